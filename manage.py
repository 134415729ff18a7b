#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leanops.settings")
    from django.core.management import execute_from_command_line

    from leanops.env import EnvironmentSettingError

    try:
        execute_from_command_line(sys.argv)
    except EnvironmentSettingError as error:
        # One line naming the variable, not a traceback.
        sys.stderr.write(f"LeanOps cannot start: {error}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
