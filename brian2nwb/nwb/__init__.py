"""The NWB side: the ndx-brian2 types, the model <-> NWB mapping, the layout of large results, file
metadata and atomic writes."""
