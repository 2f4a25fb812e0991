/** The registry of validation rules, in code order. Add a rule here and give it fixtures under test/validation/rules/. */
import type { Rule } from '../rule.ts';
import { checkTypes } from './checkTypes.ts';
import { decimalRange } from './decimalRange.ts';
import { duplicateColumn } from './duplicateColumn.ts';
import { duplicateDeclaration } from './duplicateDeclaration.ts';
import { invalidName } from './invalidName.ts';
import { keyColumnType } from './keyColumnType.ts';
import { lakeDeclaration } from './lakeDeclaration.ts';
import { mapKeyType } from './mapKeyType.ts';
import { optionalPartitionColumn } from './optionalPartitionColumn.ts';
import { partitionTransformType } from './partitionTransformType.ts';
import { partitionWidth } from './partitionWidth.ts';
import { reservedWord } from './reservedWord.ts';
import { sourceFunctionType } from './sourceFunctionType.ts';
import { unknownReference } from './unknownReference.ts';
import { unknownTimeZone } from './unknownTimeZone.ts';
// Batch B: bi-temporal, storage, streaming and access rules.
import { archiveHidesData } from './archiveHidesData.ts';
import { archiveMinimumStorage } from './archiveMinimumStorage.ts';
import { archiveWithIceberg } from './archiveWithIceberg.ts';
import { bitemporalFormat } from './bitemporalFormat.ts';
import { bitemporalPartition } from './bitemporalPartition.ts';
import { bitemporalWithoutKey } from './bitemporalWithoutKey.ts';
import { bitemporalWithoutStream } from './bitemporalWithoutStream.ts';
import { burstAboveKpu } from './burstAboveKpu.ts';
import { burstCapacity } from './burstCapacity.ts';
import { currentStateFormat } from './currentStateFormat.ts';
import { currentStatePartition } from './currentStatePartition.ts';
import { dedupWindowWithoutKeyedState } from './dedupWindowWithoutKeyedState.ts';
import { cronNeverFires } from './cronNeverFires.ts';
import { emptyColumnSelection } from './emptyColumnSelection.ts';
import { exceptWithoutEffect } from './exceptWithoutEffect.ts';
import { freshnessBelowCommitInterval } from './freshnessBelowCommitInterval.ts';
import { grantWithoutSystemTo } from './grantWithoutSystemTo.ts';
import { invalidCron } from './invalidCron.ts';
import { invalidRoleArn } from './invalidRoleArn.ts';
import { kpuQuota } from './kpuQuota.ts';
import { maintenanceWithoutIceberg } from './maintenanceWithoutIceberg.ts';
import { overlappingPeaks } from './overlappingPeaks.ts';
import { peakBelowBaseline } from './peakBelowBaseline.ts';
import { sensitiveToQuicksight } from './sensitiveToQuicksight.ts';
import { privilegeTarget } from './privilegeTarget.ts';
import { redundantPrivilege } from './redundantPrivilege.ts';
import { repeatedGrant } from './repeatedGrant.ts';
import { reservedSystemColumn } from './reservedSystemColumn.ts';
import { retentionBeforeArchive } from './retentionBeforeArchive.ts';
import { rowFilter } from './rowFilter.ts';
import { shardQuotaExceeded } from './shardQuotaExceeded.ts';
import { streamingWithoutStream } from './streamingWithoutStream.ts';
import { systemTimeColumn } from './systemTimeColumn.ts';
import { unreadStream } from './unreadStream.ts';
import { unknownRegion } from './unknownRegion.ts';
import { unloadableExternalDataset } from './unloadableExternalDataset.ts';
import { unreadableDataset } from './unreadableDataset.ts';
import { validTimeColumns } from './validTimeColumns.ts';
import { validToOptional } from './validToOptional.ts';

export const rules: readonly Rule[] = [
  unknownReference,
  checkTypes,
  decimalRange,
  duplicateColumn,
  duplicateDeclaration,
  invalidName,
  keyColumnType,
  lakeDeclaration,
  mapKeyType,
  optionalPartitionColumn,
  partitionTransformType,
  partitionWidth,
  reservedWord,
  sourceFunctionType,
  // Batch B
  archiveHidesData,
  archiveMinimumStorage,
  archiveWithIceberg,
  bitemporalFormat,
  bitemporalPartition,
  bitemporalWithoutKey,
  bitemporalWithoutStream,
  burstAboveKpu,
  burstCapacity,
  currentStateFormat,
  currentStatePartition,
  dedupWindowWithoutKeyedState,
  cronNeverFires,
  emptyColumnSelection,
  exceptWithoutEffect,
  freshnessBelowCommitInterval,
  grantWithoutSystemTo,
  invalidCron,
  invalidRoleArn,
  kpuQuota,
  maintenanceWithoutIceberg,
  overlappingPeaks,
  peakBelowBaseline,
  sensitiveToQuicksight,
  privilegeTarget,
  redundantPrivilege,
  repeatedGrant,
  reservedSystemColumn,
  retentionBeforeArchive,
  rowFilter,
  shardQuotaExceeded,
  streamingWithoutStream,
  systemTimeColumn,
  unreadStream,
  unknownRegion,
  unknownTimeZone,
  unloadableExternalDataset,
  unreadableDataset,
  validTimeColumns,
  validToOptional,
].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
