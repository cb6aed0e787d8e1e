"""The NWB side: the ndx-brian2 types, files of earlier format versions read as the current one, the model <->
NWB mapping, the layout of large results, file metadata and atomic writes."""
