"""Public data: DfE's published statistics. EES and LAIT readers, ONS populations, authorities and
statistical neighbours, England / region / neighbour comparators, and the profile's computation."""
