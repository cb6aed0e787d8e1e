"""The network as plain data: object and network descriptions, the role of every field, the tables' docs
and the run timeline's actions. No live Brian2 object and no NWB container here."""
