#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
#
# tests/xen-real/instrument.py XEN_DIR - test-time counters in Xen's own files
#
# Used by tests/xen-real/run.sh (Debian's 4.17.5) and tests/xen-upstream/run.sh
# (XEN_UP_MODE=pvh, upstream trees; checked on RELEASE-4.22.0) on a fresh copy
# of a Xen tree, stock or before integrate.sh --dpci (whose anchors these
# edits leave alone).  XEN_DIR is the tree's xen/ directory.  Each edit
# calls xen_check_count(N, domain id), defined by tests/xen-real/selftest.c,
# which counts per CPU, for every domain and apart for domains other than
# dom0, and prints with debug key 'y':
#   0 dpci raises: hvm_do_IRQ_dpci() raising the deferred assist;
#   1 dpci runs: hvm_dirq_assist() about to take the event lock;
#   2 schedules of the HVM event-channel tasklet: hvm_assert_evtchn_irq()
#     from IRQ context or with IRQs off;
#   3 runs of that tasklet;
#   4 schedules of the vlapic INIT-SIPI tasklet: vlapic_ipi() on an INIT or
#     a SIPI (an HVM-type domain starting a vCPU);
#   5 runs of that tasklet: vlapic_init_sipi_action().
# (The anchors are the same in 4.17.5 and RELEASE-4.22.0.)
# Every anchor must be found exactly once in its file, or nothing is
# written and the script names each miss and exits 1.
import sys
x = sys.argv[1]
P = "void xen_check_count(unsigned int what, unsigned int domid);\n"
edits = {
    "drivers/passthrough/x86/hvm.c": [
        ("int hvm_do_IRQ_dpci(struct domain *d, struct pirq *pirq)\n",
         P + "int hvm_do_IRQ_dpci(struct domain *d, struct pirq *pirq)\n"),
        ("    pirq_dpci->masked = 1;\n    raise_softirq_for(pirq_dpci);\n",
         "    pirq_dpci->masked = 1;\n    xen_check_count(0, d->domain_id);\n    raise_softirq_for(pirq_dpci);\n"),
        ("    write_lock(&d->event_lock);\n    if ( test_and_clear_bool(pirq_dpci->masked) )\n",
         "    xen_check_count(1, d->domain_id);\n    write_lock(&d->event_lock);\n    if ( test_and_clear_bool(pirq_dpci->masked) )\n"),
    ],
    "arch/x86/hvm/irq.c": [
        ("void hvm_assert_evtchn_irq(struct vcpu *v)\n",
         P + "void hvm_assert_evtchn_irq(struct vcpu *v)\n"),
        ("        tasklet_schedule(&v->arch.hvm.assert_evtchn_irq_tasklet);\n",
         "        xen_check_count(2, v->domain->domain_id);\n        tasklet_schedule(&v->arch.hvm.assert_evtchn_irq_tasklet);\n"),
    ],
    "arch/x86/hvm/hvm.c": [
        ("static void cf_check hvm_assert_evtchn_irq_tasklet(void *v)\n{\n",
         P + "static void cf_check hvm_assert_evtchn_irq_tasklet(void *v)\n{\n"
         "    xen_check_count(3, ((struct vcpu *)v)->domain->domain_id);\n"),
    ],
    "arch/x86/hvm/vlapic.c": [
        ("static void cf_check vlapic_init_sipi_action(void *data)\n",
         P + "static void cf_check vlapic_init_sipi_action(void *data)\n"),
        ("    struct vcpu *v;\n\n    if ( icr == 0 )\n        return;\n",
         "    struct vcpu *v;\n\n    xen_check_count(5, origin->domain->domain_id);\n"
         "    if ( icr == 0 )\n        return;\n"),
        ("        tasklet_schedule(&vlapic->init_sipi.tasklet);\n",
         "        xen_check_count(4, vlapic_domain(vlapic)->domain_id);\n"
         "        tasklet_schedule(&vlapic->init_sipi.tasklet);\n"),
    ],
}
bad, out = 0, {}
for f, eds in edits.items():
    s = open(x + "/" + f).read()
    for a, b in eds:
        if s.count(a) != 1:
            print("instrument: %s: %d matches of %r" % (f, s.count(a), a), file=sys.stderr)
            bad = 1
        s = s.replace(a, b, 1)
    out[f] = s
if not bad:	# all or nothing: no file written unless every anchor was found
    for f, s in out.items():
        open(x + "/" + f, "w").write(s)
sys.exit(bad)
