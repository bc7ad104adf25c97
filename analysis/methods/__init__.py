"""Pure analysis methods over NumPy arrays: no Django, no ORM.

Each module implements one published method and names it in its docstrings:
``kde`` (Silverman 1986), ``gistar`` (Getis & Ord 1992; Ord & Getis 1995; Benjamini & Hochberg
1995) and ``near_repeat`` (Knox 1964; Ratcliffe 2009). Bad input raises
:class:`analysis.methods.errors.MethodInputError` with a message an analyst can act on.
"""
