"""Feature functions shared by the processors: windows, completeness, scoring."""
