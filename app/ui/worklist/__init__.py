"""The worklist of legal deadlines ("Frister")."""
