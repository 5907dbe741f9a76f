"""The ``httpbun`` command of the platform wheel (``make wheel``): the binary the wheel carries, run
with this command's arguments. ``execv`` puts the binary in this process's place (same pid), so a
signal sent to the command reaches the server itself and the exit status is the server's own."""
import os
import sys

from .serve import bundled


def main():
    path = bundled()
    if path is None:
        sys.exit("httpbun: this install of httpbun-pytest carries no binary; the `httpbun` command "
                 "comes with the platform wheel (`make wheel` in the checkout)")
    os.execv(path, [path] + sys.argv[1:])


if __name__ == "__main__":
    main()
