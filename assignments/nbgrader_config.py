"""nbgrader's configuration for backprop-lab's assignments (nbgrader 0.9.6; instructors only).

This folder is the nbgrader course directory: run nbgrader from here, with the instructor's venv
first on PATH (`make assignments` does; see book/instructors.md):

    cd assignments && PATH="$PWD/../.venv-instructor/bin:$PATH" nbgrader generate_assignment --force "*"

source/<name>/<name>.ipynb   the assignments with their solutions (committed)
release/<name>/<name>.ipynb  the learner versions nbgrader generates (committed; the book shows them)
gradebook.db, submitted/, autograded/, feedback/   an instructor's own, ignored by git
"""

import os

c = get_config()  # noqa: F821 (defined by nbgrader when it loads this file)

c.CourseDirectory.course_id = "backprop-lab"
# The course directory is this folder wherever nbgrader is started (also a copy of it elsewhere).
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
# The gradebook is nbgrader's default, SQLite: sqlite:///<root>/gradebook.db.
# No assignment_id here: nbgrader refuses a command line that names one when the config does.
# Name it on the command line, or "*" for every assignment.
