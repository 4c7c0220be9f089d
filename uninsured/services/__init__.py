"""Writes of the uninsured ledger (未参保台账, R13.5).

The province pushes a list of people found uninsured (one list per township of the file); the township's officials
sign for it (签领) and record, person by person or in bulk from their Excel ledger, the outcome of their visits; they
add the people they find themselves. The six steps of the method (部门联动 → … → 汇总反馈) are OutreachStep.

Both files (the pushed list, the township's ledger) are checked row by row and kept as a preview batch
(core.batches) without writing anything else, shown, and written only when the user confirms, exactly as shown; a
single bad row refuses the whole file.
"""
