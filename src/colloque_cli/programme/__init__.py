"""The programme: its domain model, how its file is read, validated and built."""
