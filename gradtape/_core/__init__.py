"""The engine: tensors, dtypes, the recording stack, and the two sweeps."""
