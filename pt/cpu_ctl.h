/*
 * cpu_ctl: the CPU control bits that change how the hardware walks.
 *
 * x86-64: CR0.WP, IA32_EFER.NXE, CR4.SMEP, CR4.SMAP, CR4.PKE with the PKRU
 * register (Intel SDM vol. 3 4.6); 32-bit paging also reads CR4.PSE (4.3).  RISC-V: sstatus.SUM and sstatus.MXR, the
 * A/D update policy (Svade: fault, Svadu: hardware sets them), and whether the
 * Svpbmt and Svnapot extensions are implemented (privileged spec ch. "Supervisor
 * -Level ISA").  Each architecture reads only its own fields.
 */
#ifndef MMUSIM_PT_CPU_CTL_H
#define MMUSIM_PT_CPU_CTL_H

#include <stdbool.h>
#include <stdint.h>

enum ad_policy {
	AD_SVADU, /* the walker sets A (and D on stores) in memory */
	AD_SVADE, /* A clear, or D clear on a store, raises a page fault */
};

struct cpu_ctl {
	/* x86-64 */
	bool wp;
	bool nxe;
	bool smep;
	bool smap;
	bool pke;
	uint32_t pkru; /* 2 bits per key: bit 2k = access disable, 2k+1 = write disable */
	bool pse;      /* x86_32: CR4.PSE, PS=1 in a PDE maps a 4 MiB page */
	/* RISC-V */
	bool sum;
	bool mxr;
	enum ad_policy ad;
	bool svpbmt;
	bool svnapot;
};

#endif
