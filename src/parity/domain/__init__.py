"""The scheme's rules as pure Python: no I/O, no frameworks, nothing from the rest of Parity but the scheme model."""
