"""The pure scoring core: pydantic inputs in, results out. No Django, no ORM, no settings, no clock."""
