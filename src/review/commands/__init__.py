"""One module per ``review`` command (see ``review.cli``)."""
