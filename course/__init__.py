"""The course runner (``course`` / ``python -m course``): executes the lessons
with papermill, records what each run measured, writes the report.

For teachers, CI and maintainers; learners never import it (``helpers`` is theirs).
"""
