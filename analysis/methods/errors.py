"""The one exception analysis methods raise for input they cannot analyse."""


class MethodInputError(ValueError):
    """Input an analysis method refuses, with a message that says what is wrong and what to do.

    Jobs show the message to the analyst as it is, so it names the offending parameter and value.
    It subclasses ``ValueError`` so generic callers can still catch it as bad input.
    """
