"""Pages of the uninsured ledger (未参保台账, R13.5): the pushed lists and their signing, the township's ledger with
its counts, one person's outcome, the people found by the township, and the Excel files both ways.

A township or person outside the user's scope answers 404; a user without the permission answers 403.
"""
