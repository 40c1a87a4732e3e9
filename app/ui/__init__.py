"""The desk's window. The only package that imports PySide6."""
