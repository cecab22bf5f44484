"""Pictures drawn from the records, pure: the relation graph, the timeline and social cards."""
