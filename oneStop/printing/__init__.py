"""Documents in, PDF bytes out: the receipt and, later, the other forms and lists.

Nothing here knows about the database: callers pass frozen document objects.
"""
