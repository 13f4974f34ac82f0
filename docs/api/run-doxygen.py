#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Build the API reference: `meson compile -C build api-docs` runs this.

usage: run-doxygen.py [--skip-if-missing] DOXYFILE OUTDIR CHECK-HTML-ARGS...

Looks for doxygen when it runs, not when meson configured the build, so
installing doxygen later needs no reconfigure.  Runs it on DOXYFILE (any
warning fails, WARN_AS_ERROR), then docs/api/check-html.py on the result.
With --skip-if-missing (the test 'api_reference' of suite docs), a machine
without doxygen skips (exit status 77) instead of failing.
"""
import os
import shutil
import subprocess
import sys


def main():
    args = sys.argv[1:]
    skip = args[:1] == ['--skip-if-missing']
    if skip:
        args = args[1:]
    doxyfile, outdir = args[0], args[1]
    doxygen = os.environ.get('DOXYGEN') or shutil.which('doxygen')
    if not doxygen and skip:
        print('api-docs: doxygen is not installed: skipped')
        return 77
    if not doxygen:
        sys.stderr.write(
            'api-docs: doxygen is not installed.  Install it (Debian: '
            'apt-get install doxygen) and run '
            '`meson compile -C BUILD api-docs` again; no reconfigure is '
            'needed.\n')
        return 1
    shutil.rmtree(os.path.join(outdir, 'html'), ignore_errors=True)
    os.makedirs(outdir, exist_ok=True)
    # The Doxyfile, with OUTDIR as its output directory.
    config = open(doxyfile, encoding='utf-8').read()
    config += '\nOUTPUT_DIRECTORY = "%s"\n' % os.path.abspath(outdir)
    if subprocess.run([doxygen, '-'], input=config.encode()).returncode:
        sys.stderr.write('api-docs: doxygen failed (warnings are errors)\n')
        return 1
    here = os.path.dirname(os.path.abspath(__file__))
    html = os.path.join(outdir, 'html')
    rc = subprocess.call([sys.executable, os.path.join(here, 'check-html.py'),
                          html] + args[2:])
    if rc == 0:
        print('API reference: ' + os.path.join(html, 'index.html'))
    return rc


if __name__ == '__main__':
    sys.exit(main())
