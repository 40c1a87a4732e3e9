"""Pure domain rules of the one-stop desk: no Qt, no SQL, no I/O."""
