"""Ways into the tracker other than typing every field: for now, proposals from a text."""
