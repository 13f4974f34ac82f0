#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""What each feature of dwork costs in instructions (driver of bench/ablate.sh).

For each feature below: copy the source tree to a temporary directory,
apply a small edit that takes only that feature off the measured paths,
build dwork-bench (meson, buildtype debugoptimized), count instructions
with bench/callgrind.sh (local round trip, storm raise, local_throughput
operation, fed callback) and
subtract from the unmodified build measured in the same run.  Composite
variants remove several features at once (every feature: "all"; what the
global_lock baseline lacks: "as-global_lock"); --alone, --with and --fit
measure builds that keep only some features (see --help).

The edited builds exist only to be measured: they are not correct dwork
(cancel, kill, hotplug... stop working) and nothing here writes to the
source tree it was started from.

Every edit is an exact text replacement.  An anchor that is not found
exactly once stops the run with the feature's name and the anchor, so an
edit can never silently measure the unmodified code.  A build that fails,
or a measured scenario that no longer runs every callback it should, also
stops the run.  No result depends on timing: callgrind counts are
deterministic.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

ENGINE = "src/engine.c"
TASKLET = "src/tasklet.c"
ITEM = "src/item.c"
INTERNAL = "src/internal.h"

SCENARIOS = ("roundtrip", "storm", "lt", "feed")
TITLES = ("round trip", "storm raise", "local_throughput op", "fed callback")
KEYS = {
    "roundtrip": "instructions_per_roundtrip",
    "storm": "instructions_per_storm_raise",
    "lt": "instructions_per_lt_op",
    "feed": "instructions_per_fed_callback",
}

# name, what the edit removes, scenarios the edited build cannot run
# (their path needs the feature), [(file, anchor, replacement), ...]
FEATURES = [
    ("counters",
     "per-CPU statistics: stat_add()/stat_inc() do nothing (what "
     "-Dstats=false builds)",
     (),
     [(ENGINE,
       "\tif (DWORK_STATS)\n"
       "\t\tdwork_atomic_store(c, dwork_atomic_load(c, DWORK_RELAXED) + v,",
       "\tif (0)\n"
       "\t\tdwork_atomic_store(c, dwork_atomic_load(c, DWORK_RELAXED) + v,")]),
    ("api-checks",
     "argument checks of the tasklet and item API (tasklet_ok(), "
     "dwork_item_ok(), the tasklet schedules: NULL, no callback, and "
     "the kind and the magic of init in one compare; the schedules "
     "still route by the kind byte)",
     (),
     [(TASKLET,
       "\tif (!t || !t->fn)\n\t\treturn DWORK_EINVAL;\n"
       "\ttag = dwork_node_tag(&t->node);\n"
       "\tif (tag == DWORK_NODE_TAG(DWORK_KIND_SOFTIRQ))\n"
       "\t\treturn dwork_node_schedule_softirq(&t->node, cpu);\n",
       "\ttag = t->node.kind;\n"
       "\tif (tag == DWORK_KIND_SOFTIRQ)\n"
       "\t\treturn dwork_node_schedule_softirq(&t->node, cpu);\n"),
      (TASKLET,
       "\tif (!t || !t->fn)\n\t\treturn DWORK_EINVAL;\n"
       "\ttag = dwork_node_tag(&t->node);\n"
       "\tif (tag == DWORK_NODE_TAG(DWORK_KIND_SOFTIRQ))\n"
       "\t\treturn dwork_node_schedule_softirq_here(&t->node);\n",
       "\ttag = t->node.kind;\n"
       "\tif (tag == DWORK_KIND_SOFTIRQ)\n"
       "\t\treturn dwork_node_schedule_softirq_here(&t->node);\n"),
      (TASKLET,
       "\treturn t && t->fn &&\n"
       "\t       dwork_node_tag(&t->node) - DWORK_NODE_TAG(DWORK_KIND_SOFTIRQ)"
       " <= 1;\n",
       "\t(void)t;\n\treturn true;\n"),
      (INTERNAL,
       "\treturn it && it->fn &&\n"
       "\t       dwork_node_tag(&it->node) == DWORK_NODE_TAG(DWORK_KIND_ITEM);\n",
       "\t(void)it;\n\treturn true;\n")]),
    ("node-checks",
     "node validation in schedule: the INIT/reserved-bits test of the "
     "state word on the general path (on the common path it is the "
     "idle test itself, and the magic is part of api-checks' compare)",
     (),
     [(ENGINE,
       "if ((s & (INIT | DWORK_ST_RSVD)) != INIT ||\n\t\t    (DWORK_DEBUG",
       "if ((DWORK_DEBUG")]),
    ("hotplug",
     "CPU hotplug: the online test of schedule (the CPU range check "
     "stays) and of the softirq, the adoption test of service_irqoff(), "
     "the closed-inbox tests of push and drain (of the schedules, the "
     "tasklet's online test: the item raise's is cpu_accepting(), which "
     "the forward tests of retarget share)",
     (),
     [(ENGINE,
       "\t\tif (!dwork_atomic_load(&c->online, DWORK_RELAXED))\n"
       "\t\t\treturn refused_cpu(n);\n",
       ""),
      (ENGINE,
       "\t\tif (!cpu_accepting(cpu)) {\n\t\t\tdwork_port_irq_restore(flags);",
       "\t\tif (cpu >= DWORK_NR_CPUS) {\n\t\t\tdwork_port_irq_restore(flags);"),
      (ENGINE,
       "if (!dwork_atomic_load(&me->online, DWORK_RELAXED) || "
       "me->in_softirq) {\n\t\tdwork_port_irq_restore(flags);\n"
       "\t\treturn;\n\t}\n\tme->in_softirq = true;",
       "if (0 || "
       "me->in_softirq) {\n\t\tdwork_port_irq_restore(flags);\n"
       "\t\treturn;\n\t}\n\tme->in_softirq = true;"),
      (ENGINE,
       "\tif (me->adopting)\n"
       "\t\tadopt_step_irqoff(me, self);\n\telse if (",
       "\tif ("),
      (ENGINE, "| me->adopting)\n", ")\n"),
      (ENGINE,
       "\t\tif (old == DWORK_INBOX_CLOSED)\n\t\t\treturn false;\n", ""),
      (ENGINE,
       "\tif (inbox_push(c, n, &old))\n\t\tpushed(n, old, cpu, self);\n"
       "\telse\n\t\tpush_adopter(n, c, self);\n",
       "\t(void)inbox_push(c, n, &old);\n\tpushed(n, old, cpu, self);\n"),
      (ENGINE,
       "\tif (!inbox_push(c, n, &old))\n"
       "\t\treturn feed_new_adopter(n, cpu, c, flags, self, queued);\n",
       "\t(void)inbox_push(c, n, &old);\n"),
      (ENGINE,
       "\tif (chain == DWORK_INBOX_CLOSED) {\n\t\t/* Only a dead CPU",
       "\tif (0) {\n\t\t/* Only a dead CPU")]),
    ("inbox",
     "the cross-CPU inbox: the inbox tests of service_irqoff() and of "
     "the end of a pass, and the local/remote tests of enqueue and of "
     "the schedule",
     ("feed",),
     [(ENGINE,
       "(dwork_atomic_load(&me->inbox, DWORK_RELAXED))\n"
       "\t\tdrain_irqoff(me, self);\n\tif (dwork_atomic_load(&me->reap",
       "(0)\n\t\tdrain_irqoff(me, self);\n\tif (dwork_atomic_load(&me->reap"),
      (ENGINE,
       "\tif ((uintptr_t)dwork_atomic_load(&me->inbox, DWORK_RELAXED) |\n",
       "\tif ((uintptr_t)0 |\n"),
      (ENGINE,
       "\t    (uintptr_t)dwork_atomic_load(&me->inbox, DWORK_RELAXED) |\n",
       "\t    (uintptr_t)0 |\n"),
      (ENGINE,
       "\tif (cpu == self) {\n\t\tappend_irqoff(cpu_of(self), self, n);",
       "\tif (1) {\n\t\tappend_irqoff(cpu_of(self), self, n);"),
      (ENGINE,
       "\t\tif (cpu != self)\n\t\t\treturn feed_new(",
       "\t\tif (0)\n\t\t\treturn feed_new(")]),
    ("reap",
     "the reap machinery that cancel, kill and re-targeting use to unlink "
     "a queued node: the reap tests of service_irqoff() and of the end of "
     "a pass, and the no-run-owed (dropped) tests of claim and arrive",
     (),
     [(ENGINE,
       "\tif (dwork_atomic_load(&me->reap, DWORK_RELAXED))\n"
       "\t\treap_irqoff(me, self);\n",
       ""),
      (ENGINE,
       "\t    dwork_atomic_load(&me->reap, DWORK_RELAXED))\n"
       "\t\tdwork_port_raise_softirq();\n",
       "\t    0)\n\t\tdwork_port_raise_softirq();\n"),
      (ENGINE,
       "\t    dwork_atomic_load(&me->reap, DWORK_RELAXED) ",
       "\t    0 "),
      (ENGINE, "if (!(s & P) || (tgt != self", "if (0 || (tgt != self"),
      (ENGINE, "\t\tif (!(s & P)) {\n", "\t\tif (0) {\n")]),
    ("retarget",
     "re-targeting (a schedule for another CPU moves a pending node "
     "there): the TARGET and QCPU fields of the state word (schedule, "
     "claim, push), the forward tests of claim and arrive, and the reap "
     "request of a coalesced schedule",
     (),
     [(ENGINE,
       " || (tgt != self && cpu_accepting(tgt))) {",
       " || ((void)tgt, 0)) {"),
      (ENGINE,
       "\t\tif (tgt != self) /* its target went offline: we adopt it */\n"
       "\t\t\tnw = st_set_tgt(nw, self);\n",
       ""),
      (ENGINE,
       "\t\tnw = st_set_tgt(s | P, cpu);\n\t\tif (link)\n"
       "\t\t\tnw = st_set_qcpu(nw | Q, cpu);\n",
       "\t\tnw = s | P;\n\t\tif (link)\n\t\t\tnw |= Q;\n"),
      (ENGINE,
       "(s & Q) && (DWORK_ST_QCPU(s) != cpu || !(s & P)))\n"
       "\t\trelink_irqoff(s, self);",
       "(s & Q) && (!(s & P)))\n\t\trelink_irqoff(s, self);"),
      (ENGINE,
       "(s) == (INIT | P | Q |                                            \\\n"
       "\t\t ((uint32_t)(self) << DWORK_ST_TGT_SHIFT) *                \\\n"
       "\t\t\t (1u + (1u << (DWORK_ST_QCPU_SHIFT -               \\\n"
       "\t\t\t\t       DWORK_ST_TGT_SHIFT)))))",
       "(s) == (INIT | P | Q))"),
      (INTERNAL,
       "\treturn (uint32_t)cpu * ((1u << DWORK_ST_TGT_SHIFT) |\n"
       "\t\t\t\t(1u << DWORK_ST_QCPU_SHIFT));\n",
       "\t(void)cpu;\n\treturn 0;\n"),
      (ENGINE, "\t\t\tset_qcpu(n, DWORK_ST_TGT(s));\n", ""),
      (ENGINE,
       "\t\tif (DWORK_ST_TGT(s) != self && "
       "cpu_accepting(DWORK_ST_TGT(s))) {\n",
       "\t\tif (0) {\n"),
      (ENGINE,
       "\t\tif (DWORK_ST_TGT(s) == self && DWORK_ST_QCPU(s) == self)\n"
       "\t\t\tbreak;",
       "\t\tbreak;")]),
    ("kill",
     "kill and self-kill: the running[] slot and killed[] flag stores and "
     "tests around each callback, and the DEAD test of schedule",
     (),
     [(ENGINE,
       "\tdwork_atomic_store(&me->running[lvl], n, DWORK_RELAXED);\n",
       ""),
      (ENGINE,
       "\tdwork_atomic_store(&me->running[lvl], NULL, DWORK_RELEASE);\n",
       ""),
      (ENGINE, "\tif (me->killed[lvl]) {\n", "\tif (0) {\n"),
      (ENGINE, "\t\tif (s & D) {\n", "\t\tif (0) {\n")]),
    ("nesting-bound",
     "the softirq nesting guard (in_softirq) and the pass bounds of a "
     "pass over several nodes (the pass list: only what was queued when "
     "the pass began; DWORK_SOFTIRQ_BATCH)",
     (),
     [(ENGINE,
       " me->in_softirq) {\n\t\tdwork_port_irq_restore(flags);\n"
       "\t\treturn;\n\t}\n\tme->in_softirq = true;\n",
       " 0) {\n\t\tdwork_port_irq_restore(flags);\n\t\treturn;\n\t}\n"),
      (ENGINE, "\tme->in_softirq = false;\n", ""),
      (ENGINE, "if (was_empty && !me->in_softirq)", "if (was_empty)"),
      (ENGINE, "if (me->sirq.head == head && !me->in_softirq)",
       "if (me->sirq.head == head)"),
      (ENGINE,
       "\tme->pass.head = me->sirq.head;\n\tme->pass.tail = me->sirq.tail;\n"
       "\tlist_reset(&me->sirq);\n"
       "\twhile ((n = me->pass.head) != NULL) {\n"
       "\t\tlist_pop_head(&me->pass, n);\n",
       "\twhile ((n = me->sirq.head) != NULL) {\n"
       "\t\tlist_pop_head(&me->sirq, n);\n"),
      (ENGINE,
       "\tif (me->pass.head) {\n\t\t/* Batch bound",
       "\tif (0) {\n\t\t/* Batch bound"),
      (ENGINE,
       "\t\t\tif (--left == 0)\n\t\t\t\tbreak;\n",
       "\t\t\t--left;\n")]),
    ("irq-window",
     "the IRQ window around each callback (restore before, save after): "
     "callbacks would run with IRQs off",
     (),
     [(ENGINE,
       "\tdwork_port_irq_restore(flags);\n\n\tinvoke(n);\n",
       "\t(void)flags;\n\tinvoke(n);\n"),
      (ENGINE,
       "\tflags = dwork_port_irq_save(); /* same value as @flags",
       "\t; /* same value as @flags")]),
    ("idle-kind",
     "idle tasklets: the kind test that sends a node to the idle list "
     "instead of the softirq list (the arrival's and the drain's), and "
     "the tasklet schedules' routing to the idle entry points",
     (),
     [(ENGINE,
       "append_kind_irqoff(me, self, n, n->kind == DWORK_KIND_IDLE);",
       "append_kind_irqoff(me, self, n, false);"),
      (ENGINE,
       " ||\n\t\t    head->kind == DWORK_KIND_IDLE) {", ") {"),
      (TASKLET,
       "\tif (tag == DWORK_NODE_TAG(DWORK_KIND_IDLE))\n"
       "\t\treturn dwork_node_schedule_idle(&t->node, cpu);\n", ""),
      (TASKLET,
       "\tif (tag == DWORK_NODE_TAG(DWORK_KIND_IDLE))\n"
       "\t\treturn dwork_node_schedule_idle_here(&t->node);\n", "")]),
]

ALL = "all"

# Rows that remove several features at once: (name, what, features).
# "as-global_lock" keeps what the global_lock baseline (a model of Xen's
# tasklets before dwork) also has: counters, re-targeting, a cross-CPU
# transport (its lock, where dwork has the inbox) and the IRQ window
# around callbacks.
COMPOSITES = [
    ("as-global_lock",
     "everything global_lock lacks removed (api-checks, node-checks, "
     "hotplug, reap, kill, nesting-bound, idle-kind)",
     ["api-checks", "node-checks", "hotplug", "reap", "kill",
      "nesting-bound", "idle-kind"]),
    (ALL, "all of the above removed", None),
]


def die(msg):
    print("ablate: " + msg, file=sys.stderr)
    sys.exit(1)


def apply_feature(tree, name, edits):
    """Apply one feature's edits to @tree; die unless each anchor is unique."""
    for path, old, new in edits:
        full = os.path.join(tree, path)
        with open(full) as f:
            text = f.read()
        n = text.count(old)
        if n != 1:
            die("feature %r: anchor %s in %s (the code changed: update "
                "bench/ablate.py):\n----\n%s\n----"
                % (name, "not found" if n == 0 else "found %d times" % n,
                   path, old))
        with open(full, "w") as f:
            f.write(text.replace(old, new))


def run(cmd, log, **kw):
    with open(log, "w") as f:
        return subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT,
                              **kw).returncode


def copy_tree(root, dest):
    """Tracked and untracked (not ignored) files of @root, as they are now.

    Without git (or outside a work tree): everything but .git and build*.
    """
    try:
        out = subprocess.run(["git", "-C", root, "ls-files", "-z", "-c",
                              "-o", "--exclude-standard"],
                             capture_output=True)
    except FileNotFoundError:
        out = None
    if out is None or out.returncode != 0:
        shutil.copytree(root, dest, symlinks=True,
                        ignore=shutil.ignore_patterns(".git", "build*"))
        return
    for rel in sorted(set(out.stdout.decode().split("\0"))):
        if not rel:
            continue
        src = os.path.join(root, rel)
        if not os.path.isfile(src):
            continue  # deleted in the work tree
        dst = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)


def measure(tree, build, label, scens, impls, iters, logdir):
    """Build dwork-bench in @build and count instructions for @impls."""
    log = os.path.join(logdir, label + ".build.log")
    if run(["meson", "compile", "-C", build, "dwork-bench"], log) != 0:
        with open(log) as f:
            sys.stderr.write(f.read()[-4000:])
        die("%s: the build failed (log above)" % (
            "the unmodified tree" if label == "unmodified"
            else "feature %r" % label))
    res = {}
    if not scens:
        return res
    env = dict(os.environ, CALLGRIND_IMPLS=" ".join(impls))
    log = os.path.join(logdir, label + ".callgrind.log")
    cmd = ["sh", os.path.join(tree, "bench", "callgrind.sh"),
           os.path.join(build, "bench", "dwork-bench"), str(iters),
           "--json", " ".join(scens)]
    with open(log, "w") as f:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=f, env=env)
    if p.returncode != 0:
        with open(log) as f:
            sys.stderr.write(f.read()[-4000:])
        die("feature %r: bench/callgrind.sh failed (a measured scenario "
            "no longer runs as it should; log above)" % label)
    for r in json.loads(p.stdout)["results"]:
        res.setdefault(r["impl"], {})[r["scenario"]] = r[KEYS[r["scenario"]]]
    for impl in impls:
        for s in scens:
            if s not in res.get(impl, {}) and not (
                    s == "feed" and impl == "floor"):
                die("feature %r: no %s count for %s" % (label, s, impl))
    return res


def fmt(v):
    return "%.1f" % v if v is not None else "n/a"


def main():
    ap = argparse.ArgumentParser(
        description="instructions each dwork feature costs (callgrind)")
    ap.add_argument("--json", action="store_true", help="JSON output")
    ap.add_argument("--iters", type=int, default=20000,
                    help="callgrind iterations (default 20000)")
    ap.add_argument("--only", default="",
                    help="comma-separated features (default: all)")
    ap.add_argument("--list", action="store_true",
                    help="list the features and their edits, then exit")
    ap.add_argument("--alone", action="store_true",
                    help="also each feature alone on the build without "
                    "any (one more build per feature)")
    ap.add_argument("--fit", action="store_true",
                    help="also keep features, cheapest alone first, while "
                    "the round trip stays within global_lock's, then add "
                    "each one left out to that set (implies --alone)")
    ap.add_argument("--check", action="store_true",
                    help="only check that every edit applies, then exit")
    ap.add_argument("--format", choices=("text", "markdown"),
                    default="text", help="output (default text)")
    ap.add_argument("--from", dest="from_json", metavar="FILE",
                    help="print the results of an earlier --json run")
    ap.add_argument("--with", dest="with_", action="append", default=[],
                    metavar="F1,F2", help="also the build with every "
                    "feature removed but these (may repeat)")
    ap.add_argument("--keep-tmp", action="store_true",
                    help="keep the temporary tree and logs")
    ap.add_argument("--tree", metavar="DIR",
                    help="only write a copy of the source tree to DIR "
                    "with the features of --only removed (for timing "
                    "runs: build it and run dwork-bench), then exit")
    ap.add_argument("--root", default=os.path.dirname(
        os.path.dirname(os.path.abspath(__file__))),
        help="source tree to measure (default: this one)")
    a = ap.parse_args()

    if a.from_json:
        with open(a.from_json) as f:
            render(json.load(f), a.format)
        return 0

    if a.list:
        for name, what, na, edits in FEATURES:
            print("%s: %s%s" % (name, what,
                                " (cannot run: %s)" % ", ".join(na)
                                if na else ""))
            for path, old, new in edits:
                print("  %s:\n    - %s\n    + %s" % (
                    path, old.strip().replace("\n", "\n      "),
                    new.strip().replace("\n", "\n      ") or "(nothing)"))
        return 0

    feats = FEATURES
    if a.only:
        want = a.only.split(",")
        names = [f[0] for f in FEATURES]
        for w in want:
            if w not in names:
                die("unknown feature %r (known: %s)" % (w, ", ".join(names)))
        feats = [f for f in FEATURES if f[0] in want]

    if a.tree:
        if not a.only:
            die("--tree needs --only F1,F2,... (the features to remove)")
        if os.path.exists(a.tree):
            die("--tree: %s exists" % a.tree)
        copy_tree(a.root, a.tree)
        for name, _, _, edits in feats:
            apply_feature(a.tree, name, edits)
        print("ablate: %s: the tree without %s" % (a.tree, a.only),
              file=sys.stderr)
        return 0

    tmp = tempfile.mkdtemp(prefix="dwork-ablate.")
    try:
        tree = os.path.join(tmp, "src")
        build = os.path.join(tmp, "build")
        copy_tree(a.root, tree)
        touched = sorted({e[0] for f in FEATURES for e in f[3]})
        pristine = {}
        for p in touched:
            with open(os.path.join(tree, p)) as f:
                pristine[p] = f.read()

        def restore():
            for p in touched:
                with open(os.path.join(tree, p), "w") as f:
                    f.write(pristine[p])

        def apply_variant(groups, label):
            restore()
            for gname, edits in groups:
                apply_feature(tree, gname if len(groups) == 1
                              else "%s (%s)" % (label, gname), edits)

        variants = [(n, w, na, [(n, e)], "unmodified")
                    for n, w, na, e in feats]
        for cname, cwhat, cfeats in COMPOSITES if len(feats) > 1 else ():
            sel = [f for f in feats if cfeats is None or f[0] in cfeats]
            if cfeats is not None and len(sel) != len(cfeats):
                continue  # --only left out part of it
            variants.append((cname, cwhat,
                             tuple(sorted({s for f in sel for s in f[2]})),
                             [(n, e) for n, _, _, e in sel], "unmodified"))
        # --alone and --with: the build without any feature, plus one
        # feature (what that feature alone costs on the feature-free
        # path) or the features given.  Against "all", which has no
        # fed-callback count.  Their edits are checked even when they
        # are not measured.
        if (a.with_ or a.fit) and len(feats) < 2:
            die("--with and --fit need at least two features")
        keeps = [[n] for n, _, _, _ in feats] if len(feats) > 1 else []
        for w in a.with_:
            keeps.append(w.split(","))
            for n in keeps[-1]:
                if n not in [f[0] for f in feats]:
                    die("--with: unknown feature %r" % n)
        alone = []
        for k in keeps:
            alone.append(("with:" + ",".join(k), "every feature removed but "
                          + ", ".join(k), ("feed",),
                          [(m, e) for m, _, _, e in feats if m not in k],
                          ALL))
        # Every variant's edits first, so that a missing anchor fails
        # before anything is built.
        for name, _, _, groups, _ in variants + alone:
            apply_variant(groups, name)
        restore()
        if a.check:
            print("ablate: every edit of %d variants applies"
                  % len(variants + alone), file=sys.stderr)
            return 0
        for v in alone:
            one = "," not in v[0]
            if ((a.alone or a.fit) and one) or v[0][5:] in a.with_:
                if v[0] not in [u[0] for u in variants]:
                    variants.append(v)

        log = os.path.join(tmp, "setup.log")
        if run(["meson", "setup", build, tree, "--buildtype=debugoptimized",
                "-Dtests=disabled", "-Dwerror=false"], log) != 0:
            with open(log) as f:
                sys.stderr.write(f.read()[-4000:])
            die("meson setup failed (log above)")

        if not a.json:
            print("ablate: %d features, callgrind --iters %d, in %s"
                  % (len(feats), a.iters, tmp), file=sys.stderr)
        base = measure(tree, build, "unmodified", SCENARIOS,
                       ["dwork", "global_lock", "floor"], a.iters, tmp)
        rows = []

        def measure_variant(name, what, na, groups, refname):
            apply_variant(groups, name)
            scens = [s for s in SCENARIOS if s not in na]
            if not a.json:
                print("ablate: %s" % name, file=sys.stderr)
            got = measure(tree, build, name, scens, ["dwork"], a.iters,
                          tmp)["dwork"]
            cnt = {s: got.get(s) for s in SCENARIOS}
            ref = base["dwork"] if refname == "unmodified" else next(
                r for r in rows if r["feature"] == refname)["instructions"]
            saved = {s: (ref[s] - cnt[s]) if cnt[s] is not None
                     else None for s in SCENARIOS}
            if refname == "unmodified" and all(
                    abs(v) < 0.05 for v in saved.values() if v is not None):
                print("ablate: warning: removing %r changed no count" % name,
                      file=sys.stderr)
            rows.append({"feature": name, "removes": what,
                         "instructions": cnt, "saved": saved,
                         "relative_to": refname,
                         "not_measured": list(na)})
            return cnt

        for v in variants:
            measure_variant(*v)

        # --fit: keep features, cheapest alone first, while the round
        # trip stays within global_lock's count (greedy, so not proved
        # the largest such set); then add each feature left out to the
        # final set once more, so every one was tried against it.
        if a.fit:
            limit = base["global_lock"]["roundtrip"]
            cost = {r["feature"][5:]: r["instructions"]["roundtrip"]
                    for r in rows if r["feature"].startswith("with:")
                    and "," not in r["feature"]}
            order = sorted(cost, key=lambda f: (cost[f], [
                x[0] for x in feats].index(f)))
            kept, tried = [], {}

            def attempt(k):
                name = "fit:" + ",".join(k)
                if len(k) == 1:
                    name = "with:" + k[0]  # measured by --alone
                if any(r["feature"] == name for r in rows):
                    return next(r for r in rows if r["feature"] == name)[
                        "instructions"]["roundtrip"]
                return measure_variant(
                    name, "every feature removed but " + ", ".join(k),
                    ("feed",), [(m, e) for m, _, _, e in feats
                                if m not in k], ALL)["roundtrip"]
            for f in order:
                k = [x[0] for x in feats if x[0] in kept + [f]]
                tried[f] = list(kept)
                if attempt(k) <= limit:
                    kept.append(f)
            for f in order:
                if f not in kept and tried[f] != kept:
                    attempt([x[0] for x in feats if x[0] in kept + [f]])
            fit = {"limit": limit, "kept": [x[0] for x in feats
                                            if x[0] in kept]}
        restore()
    finally:
        if a.keep_tmp:
            print("ablate: kept %s" % tmp, file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    res = {"iters": a.iters, "unmodified": base, "features": rows}
    if a.fit:
        res["fit"] = fit
    if a.json:
        json.dump(res, sys.stdout, indent=1)
        print()
    else:
        render(res, a.format)
    return 0


def render(res, form):
    """Print the results of a run (or of its --json) as text or Markdown."""
    base = res["unmodified"]
    alone = [r for r in res["features"]
             if r.get("relative_to", "unmodified") != "unmodified"]
    rows = [r for r in res["features"] if r not in alone]
    composites = {c[0] for c in COMPOSITES}
    singles = [r for r in rows if r["feature"] not in composites]

    def cell(r, s):
        c = r["instructions"].get(s)
        if c is None:
            return "n/a"
        return "%s (%+.1f)" % (fmt(c), 0.0 - r["saved"][s])

    if form == "markdown":
        print("| build | what the edit takes off the measured paths | %s |"
              % " | ".join(TITLES))
        print("| --- | --- |%s" % (" --- |" * len(SCENARIOS)))
        print("| **dwork**, unmodified | | %s |" % " | ".join(
            "**%s**" % fmt(base["dwork"][s]) for s in SCENARIOS))
        for r in rows:
            print("| %s | %s | %s |" % (
                "`%s`" % r["feature"] if r in singles
                else "**%s**" % r["feature"],
                r["removes"], " | ".join(cell(r, s) for s in SCENARIOS)))
        for impl in ("global_lock", "floor"):
            print("| %s (baseline) | | %s |" % (impl, " | ".join(
                fmt(base[impl].get(s)) for s in SCENARIOS)))
        if alone:
            print()
            print("| features kept (every other one removed) | %s |"
                  % " | ".join(TITLES[:-1]))
            print("| --- |%s" % (" --- |" * (len(SCENARIOS) - 1)))
            for r in alone:
                print("| %s | %s |" % (", ".join(
                    "`%s`" % f for f in r["feature"].split(":", 1)[1]
                    .split(",")),
                    " | ".join(cell(r, s) for s in SCENARIOS[:-1])))
    else:
        print("Instructions per operation (callgrind, --iters %d); in "
              "parentheses the change against the unmodified build"
              % res["iters"])
        print("%-16s %s" % ("", " ".join("%20s" % t for t in TITLES)))
        print("%-16s %s" % ("dwork", " ".join(
            "%20s" % fmt(base["dwork"][s]) for s in SCENARIOS)))
        for r in rows:
            print("%-16s %s" % (r["feature"], " ".join(
                "%20s" % cell(r, s) for s in SCENARIOS)))
        for impl in ("global_lock", "floor"):
            print("%-16s %s" % (impl, " ".join(
                "%20s" % fmt(base[impl].get(s)) for s in SCENARIOS)))
        if alone:
            print()
            print("Features kept (every other feature removed); in "
                  "parentheses the change against all")
            for r in alone:
                label = r["feature"].split(":", 1)[1]
                if len(label) > 16:
                    print(label)
                    label = ""
                print("%-16s %s" % (label, " ".join(
                    "%20s" % cell(r, s) for s in SCENARIOS[:-1])))
        print()
        for r in rows:
            print("%-16s %s%s" % (r["feature"], r["removes"],
                                  " (the edited build cannot run: %s)"
                                  % ", ".join(r["not_measured"])
                                  if r["not_measured"] else ""))
    print()
    print("Sum of the single-feature rows: " + ", ".join(
        "%s %+.1f" % (s, -sum(r["saved"][s] for r in singles
                              if r["saved"][s] is not None))
        for s in SCENARIOS) + " (feed: without inbox)")
    if "fit" in res:
        names = [f[0] for f in FEATURES]
        kept = res["fit"]["kept"]
        more = []
        for f in names:
            if f in kept:
                continue
            k = "fit:" + ",".join(x for x in names if x in kept + [f])
            more += [r["instructions"]["roundtrip"] for r in alone
                     if r["feature"] == k]
        print()
        print("Within global_lock's round trip (%s), cheapest first: %s "
              "(%d of %d features kept)%s" % (
                  fmt(res["fit"]["limit"]), ", ".join(kept) or "none",
                  len(kept), len(names),
                  "; any other feature added to them: %s..%s" % (
                      fmt(min(more)), fmt(max(more))) if more else ""))
    if alone:
        print()
        print("Sum of the rows that keep one feature: " + ", ".join(
            "%s %+.1f" % (s, -sum(r["saved"][s] for r in alone
                                  if r["feature"].startswith("with:")
                                  and "," not in r["feature"]))
            for s in SCENARIOS[:-1]))


if __name__ == "__main__":
    sys.exit(main())
