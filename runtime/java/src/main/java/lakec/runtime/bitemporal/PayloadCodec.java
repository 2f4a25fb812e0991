package lakec.runtime.bitemporal;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** How a key state's payloads are written into its snapshot (the Flink job: the row's values). */
public interface PayloadCodec<P> {
  void write(DataOutput out, P payload) throws IOException;

  P read(DataInput in) throws IOException;
}
