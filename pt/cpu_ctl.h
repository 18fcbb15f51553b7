/*
 * cpu_ctl: the CPU control bits that change how the hardware walks.
 *
 * x86-64: CR0.WP, IA32_EFER.NXE, CR4.SMEP, CR4.SMAP, CR4.PKE with the PKRU
 * register (Intel SDM vol. 3 4.6); 32-bit paging also reads CR4.PSE (4.3).  RISC-V: sstatus.SUM and sstatus.MXR, the
 * A/D update policy (Svade: fault, Svadu: hardware sets them), and whether the
 * Svpbmt and Svnapot extensions are implemented (privileged spec ch. "Supervisor
 * -Level ISA").  Each format reads only its own fields, and lists the ones a
 * config may set (struct cpu_key).
 */
#ifndef MMUSIM_PT_CPU_CTL_H
#define MMUSIM_PT_CPU_CTL_H

#include <stdbool.h>
#include <stddef.h>
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
	/* AArch64 (Arm ARM D8): PSTATE.PAN, SCTLR_EL1.EPAN/WXN, TCR_EL1 HA/HD/HPDn/TBIn/EPDn/AS, MAIR_EL1 */
	bool pan;
	bool epan;     /* PAN also refuses EL1 data accesses to EL0-executable pages */
	bool wxn;
	bool ha;       /* the walk sets AF instead of raising an access-flag fault */
	bool hd;       /* DBM=1 pages are writable-clean; a write clears AP[2] (dirty) */
	bool hpd0;     /* hierarchical permissions disabled for the TTBR0 half */
	bool hpd1;     /* ... and the TTBR1 half */
	bool tbi0;     /* top byte ignored in TTBR0 addresses */
	bool tbi1;
	bool epd0;     /* walks of the TTBR0 half disabled: translation fault, level 0 */
	bool epd1;
	bool asid16;   /* TCR.AS: 16-bit ASIDs (else 8) */
	uint64_t mair; /* 8 attribute bytes, AttrIndx selects one */
	/* Intel EPT (SDM vol. 3 29.3) */
	bool ept_ad;           /* EPTP bit 6: EPT accessed/dirty flags */
	bool ept_execute_only; /* IA32_VMX_EPT_VPID_CAP bit 0: R=W=0 X=1 entries are allowed */
	/* AArch64 stage 2 (VTCR_EL2 HA/HD above, as ha/hd): */
	bool vmid16;   /* VTCR_EL2.VS: 16-bit VMIDs (else 8) */
	bool xnx;      /* FEAT_XNX: stage-2 XN[1:0] (bits 54:53) tell EL0 from EL1 execution */
	/*
	 * The root register's bits that are neither address nor ASID, as an image's
	 * register was loaded (x86_32 CR3 bits 11:0: PWT 3, PCD 4, the rest
	 * ignored; SDM table 4-3): kept so the register is shown as it was, never walked.
	 */
	uint64_t root_reg_flags;
};

/*
 * A `cpu:` key of a config, as a format lists it (pt_arch.cpu_keys): where it
 * goes in struct cpu_ctl and what it holds before the config says.  The config
 * loader reads every format's keys through these, knowing none by name.
 */
enum cpu_key_type {
	CPU_KEY_BOOL,    /* a bool field */
	CPU_KEY_U32,     /* a uint32_t field */
	CPU_KEY_U64,     /* a uint64_t field */
	CPU_KEY_CHOICE,  /* an enum field (as unsigned), one of `choices` by name */
};

struct cpu_key_choice {
	const char *name;
	unsigned value;
};

struct cpu_key {
	const char *name;
	enum cpu_key_type type;
	size_t offset;                        /* offsetof(struct cpu_ctl, ...) */
	uint64_t default_value;
	/* CPU_KEY_CHOICE: what the value names, for messages ("A/D policy"), and the names. */
	const char *what;
	const struct cpu_key_choice *choices; /* ends with a NULL name */
};

/* A key named as its struct cpu_ctl field, off (0) by default. */
#define CPU_KEY_FLAG(field) { #field, CPU_KEY_BOOL, offsetof(struct cpu_ctl, field), 0, NULL, NULL }
/* ... on (1) by default (Arm's hardware Access flag and dirty state, 16-bit ASIDs / VMIDs). */
#define CPU_KEY_ON(field) { #field, CPU_KEY_BOOL, offsetof(struct cpu_ctl, field), 1, NULL, NULL }
#define CPU_KEY_WORD(field) { #field, CPU_KEY_U32, offsetof(struct cpu_ctl, field), 0, NULL, NULL }
/* A 64-bit register field with its reset value. */
#define CPU_KEY_WORD64(field, value) { #field, CPU_KEY_U64, offsetof(struct cpu_ctl, field), value, NULL, NULL }

/* The end of a format's list of keys. */
#define CPU_KEYS_END { NULL, CPU_KEY_BOOL, 0, 0, NULL, NULL }

/* The key `name` of the list `keys` (ends with a NULL name), or NULL. */
const struct cpu_key *cpu_key_find(const struct cpu_key *keys, const char *name);

/* Stores `value` into the key's field of ctl. */
void cpu_key_store(const struct cpu_key *key, struct cpu_ctl *ctl, uint64_t value);

/* Sets every key of `keys` to its default. */
void cpu_ctl_defaults(struct cpu_ctl *ctl, const struct cpu_key *keys);

/* The choices' names for a message: "a or b", "a, b or c". */
void cpu_key_choices_text(const struct cpu_key *key, char *buf, size_t len);

/* The value of the key's field of ctl, as cpu_key_store stored it (a bool as 0 or 1). */
uint64_t cpu_key_value(const struct cpu_key *key, const struct cpu_ctl *ctl);

#endif
