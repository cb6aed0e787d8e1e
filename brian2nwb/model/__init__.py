"""The network as plain data: object and network descriptions, the file format's declarations as brian2nwb
reads them (the role of every field, the tables' docs, the run timeline's actions) and the run timeline. No
live Brian2 object and no NWB container here."""
