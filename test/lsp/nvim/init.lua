-- A minimal Neovim (0.7+) setup that uses `lakec lsp` for .lake files, as docs/editors.md shows.
-- The test sets LAKEC_LSP_CMD (the command, as JSON) and LAKEC_LSP_OUT (where to write what
-- Neovim received), opens a spec, and reads the file back.
local cmd = vim.fn.json_decode(os.getenv('LAKEC_LSP_CMD'))
local out = os.getenv('LAKEC_LSP_OUT')

vim.cmd('autocmd BufRead,BufNewFile *.lake setfiletype lake')

local function finish(bufnr)
  local received = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(received, {
      lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
      severity = d.severity, code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code),
      message = d.message, source = d.source,
    })
  end
  local f = io.open(out, 'w')
  f:write(vim.fn.json_encode(received))
  f:close()
  vim.cmd('qall!')
end

vim.api.nvim_create_autocmd('FileType', {
  pattern = 'lake',
  callback = function(args)
    local bufnr = args.buf
    local client_id = vim.lsp.start_client({
      name = 'lakec',
      cmd = cmd,
      root_dir = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ':p:h'),
      handlers = {
        ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
          vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
          if result.uri == vim.uri_from_bufnr(bufnr) and #result.diagnostics > 0 then
            vim.schedule(function() finish(bufnr) end)
          end
        end,
      },
    })
    vim.lsp.buf_attach_client(bufnr, client_id)
  end,
})

-- Never hang: give up after 20 seconds with an exit code the test reports.
vim.defer_fn(function() vim.cmd('cquit 3') end, 20000)
