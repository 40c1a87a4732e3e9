"""The reference upstream server (the hub): enrollment, exactly-once push, commit-ordered pull."""
