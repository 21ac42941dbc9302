"""Repository-wide pytest hooks: ``pytest --nbval`` on an exercise notebook grades it
(see nnlib/grade/pytest_plugin.py); book/ and solutions/ keep nbval's normal comparison."""

pytest_plugins = ["nnlib.grade.pytest_plugin"]
