/*
 * pt_arch: one const descriptor per page-table format.
 *
 * Everything that differs between formats lives in its descriptor: the
 * geometry, the `cpu:` keys the format reads, how a page_prop becomes PTE
 * bits, how a PTE is recognised as a pointer or a leaf, and the rules of the
 * hardware walk.  Generic code (page_table.c, walk.c, the config loader)
 * reads these and never tests which format it has.  docs/adding-a-format.md
 * tells how to add one.
 */
#ifndef MMUSIM_PT_PT_ARCH_H
#define MMUSIM_PT_PT_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu_ctl.h"
#include "ctl_reg.h"
#include "mm_error.h"
#include "page_prop.h"
#include "paging_consts.h"
#include "walk.h"
#include "pte_fields.h"

/* State of one walk in progress, shared by walk.c and the arch hooks. */
struct walk_state {
	const struct walker *w;
	const struct walk_request *req;
	struct walk_result *res;
	unsigned upper_perms;   /* PERM_* still allowed by the levels above (x86 U/W/X; RISC-V G) */
	uint64_t rsvd;          /* PTE bits reserved throughout this walk, if walk_begin says (else 0) */
};

enum walk_next {
	WALK_DESCEND, /* the PTE points to the next node (*next_table set) */
	WALK_LEAF,    /* the PTE maps a page at this level */
	WALK_FAULT,   /* res->fault filled */
};

/*
 * The geometry a format fixes: stated once, checked against the config by
 * pt_arch_check_consts and compiled into the inlined walk (walk_loop.h), where
 * the shifts and multiplies become constants.  A zero field leaves that
 * number to the config (the toy format fixes none).
 */
enum va_extension {
	VA_EXT_ANY,   /* as the config says */
	VA_EXT_SIGN,  /* bits above the VA copy its top bit (64-bit modes) */
	VA_EXT_ZERO,  /* the VA is all there is (32-bit modes) */
};

struct pt_geometry {
	unsigned pte_size;               /* bytes per entry */
	unsigned page_shift;             /* log2 of the base page size */
	unsigned min_levels, max_levels;
	enum va_extension va;
	unsigned max_phys_bits;          /* for the format's own check_limits */
	/*
	 * Arm: the top level may index fewer VA bits than a node holds (the VA
	 * size sets the start level), and each VA half has its own root: the
	 * lower half the user table's (TTBR0), the upper half the kernel's (TTBR1).
	 */
	bool partial_top;
	bool split_roots;
	/*
	 * RISC-V G-stage (Sv39x4...): the reverse of a partial top, the root
	 * indexes this many bits more than a node and spans 2^wide_top_bits
	 * frames aligned to its size; 0 for a root of one node.
	 */
	unsigned wide_top_bits;
	/*
	 * Arm stage 2, with partial_top: the top level may also index up to this
	 * many bits more than a node, as concatenated tables (the VA size and the
	 * start level, nr_levels, are the config's; paging_consts.concat_top_bits).
	 */
	unsigned concat_top_bits;
	/* For the messages: the format as users know it, and its level counts in words. */
	const char *title;               /* NULL: the format's name */
	const char *levels_text;         /* "4 or 5" */
	const char *va_noun;             /* NULL: "addresses" */
};

/* The toy format's widest top level: 2^24 pages' worth of entries (toy.top_entries). */
#define TOY_CONCAT_TOP_BITS 24

/* Index bits per level: a node is one base page of entries. */
static inline __attribute__((always_inline)) unsigned pt_geometry_index_bits(const struct pt_geometry *g, const struct paging_consts *pc)
{
	return g->pte_size && g->page_shift ? g->page_shift - (unsigned)__builtin_ctz(g->pte_size)
					    : pc->index_bits;
}

/*
 * The rules the walk applies, which the loop of walk_loop.h calls.  A format
 * states them once, in one static const table: the descriptor points to it,
 * its inlined walk (if any) instantiates the loop with it, and generic code
 * (page_table.c, the views) calls through it.
 * All required but walk_begin.
 */
struct walk_hooks {
	/* What a walk may grant before its first entry ("rwxu" on x86, nothing on RISC-V). */
	unsigned (*initial_perms)(void);
	/*
	 * Optional: work done once per walk rather than per level (ws->rsvd from
	 * the control registers, say), before the first entry is read.
	 */
	void (*walk_begin)(struct walk_state *ws);
	/* The fault for a VA that is not canonical for this format. */
	void (*bad_va)(struct walk_state *ws);
	/* A PTE read outside memory. */
	void (*bus_error)(struct walk_state *ws, unsigned level);
	/* Checks the PTE read at `level`; descends, accepts a leaf, or faults. */
	enum walk_next (*walk_entry)(struct walk_state *ws, uint64_t pte, unsigned level,
				     uint64_t pte_addr, uint64_t *next_table);
	/* Checks the leaf (ws->res->level, leaf_pte) and sets A/D; faults or fills perms. */
	bool (*walk_leaf)(struct walk_state *ws, uint64_t pte_addr);
	/*
	 * The hooks that read PTE bits take the paging constants too: a format may
	 * be data (the toy format's bit positions live in pc->layout).
	 */
	/* The physical address a PTE holds (node or page frame), read as is_leaf reads the entry. */
	uint64_t (*pte_addr)(const struct paging_consts *pc, const struct cpu_ctl *ctl, uint64_t pte,
			     unsigned level);
	bool (*is_present)(const struct paging_consts *pc, uint64_t pte);
	/*
	 * The one answer to "does this present entry map a page?": the walk, the
	 * prefetch, the OS side and every view ask it.  It sees the control bits
	 * (x86_32: PS is ignored while CR4.PSE=0, SDM 4.3).
	 */
	bool (*is_leaf)(const struct paging_consts *pc, const struct cpu_ctl *ctl, uint64_t pte, unsigned level);
};

/*
 * A stage-2 fault in its context (pt_arch.stage2_report): which GPA, for
 * which guest access, and whether the GPA was a guest page-table entry's (an
 * implicit access of the guest's own walk: EPT "translation of a guest paging
 * structure", NPT EXITINFO1 bit 33, Arm S1PTW, RISC-V an implicit access) or
 * the final GPA of the guest's translation.
 */
struct stage2_context {
	uint64_t gpa;              /* the GPA the stage-2 walk refused */
	uint64_t gva;              /* the guest VA being translated */
	enum access_kind access;   /* the guest's own access */
	enum privilege priv;       /* ... and its privilege */
	bool table;                /* gpa holds a guest page-table entry */
	bool table_write;          /* ... which the guest walk was writing (A/D update) */
	unsigned table_size;       /* ... and the bytes of that access: the guest's PTE size */
};

/* What the hypervisor is told; each field as the architecture names it. */
struct stage2_report {
	uint64_t code;    /* RISC-V scause; EPT exit qualification; NPT EXITINFO1; Arm ESR_EL2 */
	uint64_t addr;    /* htval; EPT guest-physical address; NPT EXITINFO2; Arm HPFAR_EL2 */
	uint64_t extra;   /* htinst; EPT guest-linear address; NPT 0; Arm FAR_EL2 */
	char code_name[16], addr_name[16], extra_name[16];  /* "scause", "htval", "htinst" */
};

/* A run of leaves one TLB entry may hold (see pt_arch.leaf_run). */
#define LEAF_RUN_MAX_ENTRIES 128 /* Arm's longest run: 128 pages of 16 KiB */
struct leaf_run {
	unsigned entries;  /* leaves in a run, aligned to entries x their size; at most LEAF_RUN_MAX_ENTRIES */
	uint64_t bit;      /* the PTE bit that marks each of them */
};

/*
 * One page-table format: everything about it is stated here, once.  Fields
 * marked optional may be NULL, which always means "absent" (no check, no
 * adaptation, the generic loop, "PTE"); every other field is required.
 */
struct pt_arch {
	const char *name;           /* as `arch:` in configs; pt_arch.c lists every format */
	/* The PTE layout is data: the config describes it (a `toy:` block) into pc->layout. */
	bool layout_from_config;
	const struct pt_geometry *geom;
	const struct walk_hooks *hooks;
	/* The `cpu:` keys this format reads, with their defaults; ends with a NULL name. */
	const struct cpu_key *cpu_keys;

	/* Optional: rules on the constants beyond the geometry (MAXPHYADDR, largest page...). */
	int (*check_limits)(const struct paging_consts *pc, struct mm_error *err);
	/*
	 * Optional: the leaves of `level` that may form a contiguous run the TLB
	 * holds as one entry (Arm's Contiguous bit); false where the level has none.
	 * The walk reports such a leaf's page size as the run's span; the OS side
	 * marks every run an edit leaves whole (contiguous_runs.c).
	 */
	bool (*leaf_run)(const struct paging_consts *pc, unsigned level, struct leaf_run *run);
	/* With leaf_run: may leaves a and b, addresses and the run bit aside, share a run? */
	bool (*run_compatible)(uint64_t a, uint64_t b);
	/*
	 * Optional: the frame of the page at `va` that leaf `pte` maps where the
	 * entry's address is not that page's (RISC-V Svnapot: each entry of a
	 * 64 KiB NAPOT run names the run, and the VA picks the 4 KiB page in
	 * it); absent: the entry's address without the bits below the page size.
	 */
	uint64_t (*leaf_frame)(const struct paging_consts *pc, uint64_t pte, unsigned level, uint64_t va);
	/*
	 * Optional: the highest level whose leaf the walk accepts, where that is
	 * above highest_translation_level, which then only says which pages the
	 * OS side makes (RISC-V: R or X makes any level's PTE a leaf; Arm: a
	 * block up to the granule's top block level).  Absent: a leaf above
	 * highest_translation_level is reserved (x86 PS, EPT bit 7).
	 */
	unsigned (*leaf_top)(const struct paging_consts *pc);
	/* Optional: the ASID width the control bits give (Arm TCR.AS: 8 or 16); absent: 16. */
	unsigned (*asid_bits)(const struct cpu_ctl *ctl);
	/*
	 * A flush of one VA in the current address space drops every
	 * paging-structure-cache entry of that space, not only the VA's path:
	 * x86 INVLPG (SDM vol. 3 4.10.4.1; AMD's too).  False: only the path
	 * (sfence.vma VA, Arm TLBI VA*, INVPCID individual-address).
	 */
	bool va_flush_drops_walk_caches;
	/*
	 * A page fault drops every TLB entry of its page and the
	 * paging-structure-cache entries that would translate its VA (x86: SDM
	 * vol. 3 4.10.4.1, so that a fault caused by a stale entry does not
	 * recur).  False: only a refused TLB hit drops the entry it used, and a
	 * faulting walk caches the pointers it followed like any other walk.
	 */
	bool fault_drops_cached_page;
	/*
	 * No address-space tags in the TLBs: switching address spaces is a load
	 * of the root register that drops every non-global TLB entry and every
	 * paging-structure-cache entry (x86_32: no PCIDs, so a MOV to CR3 does,
	 * SDM vol. 3 4.10.4.1).  False: entries carry the ASID and stay.
	 */
	bool asid_switch_flushes;
	/* Optional: rejects control bits that contradict the constants (x86_32: 4 MiB pages need PSE). */
	int (*check_ctl)(const struct paging_consts *pc, const struct cpu_ctl *ctl, struct mm_error *err);

	/* ---- building tables (the OS side) ---- */

	/* Optional: rejects a mapping whose PA the format's leaves cannot hold (x86_32 4 KiB above 4 GiB). */
	int (*check_map)(const struct paging_consts *pc, uint64_t va, uint64_t pa, uint64_t len,
			 struct mm_error *err);
	/* Optional: rejects properties the format cannot encode (e.g. RISC-V W without R). */
	int (*check_prop)(const struct page_prop *p, const struct cpu_ctl *ctl, struct mm_error *err);
	/*
	 * Optional: adapts properties to the CPU mode before encoding (x86 with
	 * NXE=0 has no XD bit, so every page is executable there).
	 */
	void (*fit_prop)(struct page_prop *p, const struct cpu_ctl *ctl);
	/*
	 * Optional: whether the first write to a writable page mapped clean (no
	 * PROP_D) makes it dirty in hardware, so that an OS may map it clean
	 * (Arm: only with TCR.HD and HA).  NULL: the `ad` policy decides (x86 and
	 * Svadu set D; Svade faults).
	 */
	bool (*hw_sets_dirty)(const struct cpu_ctl *ctl);
	uint64_t (*make_leaf)(const struct paging_consts *pc, uint64_t pa,
			      const struct page_prop *p, unsigned level);
	/* A pointer to the node at `pa`, as permissive as the format allows. */
	uint64_t (*make_table)(const struct paging_consts *pc, uint64_t pa);
	void (*leaf_prop)(const struct paging_consts *pc, uint64_t pte, unsigned level,
			  struct page_prop *out);
	/* Optional: whether leaf_prop would give PROP_D, for the TLB fill after every walk (NULL: ask leaf_prop). */
	bool (*leaf_dirty)(uint64_t pte, unsigned level);
	/*
	 * Permissions granted by the entry at `level` given `upper` (what the levels
	 * above still allow; start with hooks->initial_perms()).  For a pointer
	 * this narrows what lower levels may grant; for a leaf it is the effective
	 * "rwxug".
	 */
	unsigned (*entry_perms)(const struct paging_consts *pc, const struct cpu_ctl *ctl, uint64_t pte,
				unsigned level, bool leaf, unsigned upper);

	/* ---- the hardware walk (called by walk.c) ---- */

	/* Access rights of req against a translation (perms, leaf PTE); fills *f if refused. */
	bool (*check_access)(const struct cpu_ctl *ctl, const struct walk_request *req, unsigned perms,
			     uint64_t leaf_pte, unsigned level, struct walk_fault *f);
	/*
	 * Optional: the walk of walk_loop.h instantiated with `hooks` and `geom`
	 * inlined (the same loop, only faster).  NULL: walk.c runs the loop.
	 */
	void (*walk)(const struct walker *w, const struct walk_request *req, struct walk_result *res);
	/* Optional: walk_prefetch_loop of walk_loop.h, likewise instantiated (a hint). */
	void (*walk_prefetch)(const struct walker *w, uint64_t root, uint64_t va,
			      struct walk_prefetch_memo *memo);

	/* ---- explaining ---- */

	/* The PTE's set bits by name, e.g. "P RW US A PS XD pk=3"; P/V clear is "not-present". */
	void (*describe_pte)(const struct paging_consts *pc, const struct cpu_ctl *ctl, uint64_t pte,
			     unsigned level, char *buf, size_t len);
	/*
	 * Optional: the fields an entry read at `level` has, by the names explain
	 * prints (pte_fields.h), into out[PTE_FIELDS_MAX]; returns how many.
	 * pte is the entry's current value (which fields apply may depend on
	 * it: an x86 PDE with PS has PAT at bit 12).  NULL: no names.
	 */
	unsigned (*pte_fields)(const struct paging_consts *pc, unsigned level, uint64_t pte, struct pte_field *out);
	/* Optional: what the spec calls the entry read at `level` ("PML4E", "PDE"; NULL: "PTE"). */
	const char *(*entry_name)(const struct paging_consts *pc, unsigned level);
	/* The fault as the architecture reports it, e.g. "#PF error code 0x6 (W U)". */
	void (*describe_fault)(const struct walk_fault *f, char *buf, size_t len);
	/*
	 * Optional: the rule `reason` with the bits of the entry it found set,
	 * where walk_reason_text's sentence lists several the rule covers (RISC-V:
	 * which of D, A, U, N, PBMT a pointer sets; which of bits 60:54).  pte is
	 * the entry read at `level` that faulted.  false: the sentence says it all.
	 */
	bool (*reason_bits)(const struct paging_consts *pc, enum fault_reason reason, uint64_t pte, unsigned level,
			    char *buf, size_t len);
	/*
	 * Optional, for a stage-2 format: a VM's combined stage-2 fault in words,
	 * f->code being stage2_report's code (Arm ESR_EL2, the EPT exit
	 * qualification, NPT EXITINFO1), as stage2_report's text says it, less
	 * the addresses the code does not hold.  NULL: the guest's describe_fault
	 * says it (RISC-V's reads the guest-page scause).
	 */
	void (*describe_stage2_fault)(const struct walk_fault *f, char *buf, size_t len);
	/* ELF e_machine of dumps of this machine's memory (EM_X86_64, EM_RISCV; 0 EM_NONE). */
	uint16_t elf_machine;
	/*
	 * Width of an address the CPU can form (x86 32-bit mode, RV32's XLEN:
	 * 32): a wider VA is no address of this machine.  0 means 64.
	 */
	unsigned address_bits;
	/* Name of the register that holds the root ("cr3" | "satp"). */
	const char *root_register;
	/* The register value that selects root with this ASID/PCID (x86 CR3 with PCIDE; satp). */
	uint64_t (*encode_root_reg)(const struct paging_consts *pc, uint64_t root, uint16_t asid);
	/* The root and ASID a register value selects; refuses values this config cannot use. */
	int (*decode_root_reg)(const struct paging_consts *pc, uint64_t reg, uint64_t *root,
			       uint16_t *asid, struct mm_error *err);
	/*
	 * Optional: bits of the root register that control bits set rather than
	 * the root (EPTP bit 6, accessed and dirty flags for EPT), OR'ed into
	 * encode_root_reg's value by pt_arch_root_reg.
	 */
	uint64_t (*root_reg_ctl_bits)(const struct cpu_ctl *ctl);
	/*
	 * Optional: the bits of a root register value decode_root_reg drops that
	 * the register still holds (x86_32 CR3 bits 11:0, PWT/PCD among them),
	 * for cpu_ctl.root_reg_flags; root_reg_ctl_bits gives them back.
	 */
	uint64_t (*root_reg_flags)(uint64_t reg);
	/*
	 * Optional (NULL: one root register): the register that holds the upper
	 * half's root on a split_roots format ("ttbr1"), encoded and decoded as
	 * root_register is.
	 */
	const char *upper_root_register;
	/*
	 * Optional (NULL: none): the control registers that carry the config
	 * beyond the root (AArch64 TCR_EL1, MAIR_EL1, SCTLR_EL1), recorded in
	 * dumps and read back from images (ctl_reg.h).
	 */
	const struct ctl_reg *ctl_regs;
	/*
	 * Optional (NULL: none): control registers another tool's core records
	 * (QEMU's x86 CR0, CR4), read from an image as ctl_regs are so that the
	 * walk is the one that CPU made, never written by mmusim's dumps (no encode).
	 */
	const struct ctl_reg *core_regs;
	/*
	 * Optional (NULL: VAs carry no tag): a format whose VAs may carry a tag
	 * the translation ignores (Arm TBI0/TBI1) — whether ctl turns tags on,
	 * and the VA with its tag replaced as the walk replaces it, so that TLBs
	 * see one page whatever the tag.
	 */
	bool (*tags_ignored)(const struct cpu_ctl *ctl);
	uint64_t (*untag)(const struct cpu_ctl *ctl, uint64_t va);

	/* ---- stage 2 (formats a virtual machine's host may use) ---- */

	/*
	 * Optional (NULL: the format cannot be a stage 2): the report of fault f
	 * of a stage-2 walk in ctx, and in words into text (e.g. "load
	 * guest-page fault (scause 21), htval 0x80001004 (GPA 0x200004010),
	 * htinst 0x3000 (implicit read of a VS-stage PTE)").
	 */
	void (*stage2_report)(const struct walk_fault *f, const struct stage2_context *ctx,
			      struct stage2_report *out, char *text, size_t len);
	/*
	 * Optional: whether the guest walk's reads of its own page-table entries
	 * are checked by stage 2 as writes (Intel EPT with A/D enabled, SDM
	 * 29.3.5: they may set the EPT dirty flag); absent: as reads.
	 */
	bool (*stage2_table_reads_write)(const struct cpu_ctl *ctl);
	/*
	 * Whether stage 2 checks the final GPA at the privilege of the guest's
	 * access (Arm FEAT_XNX: XN[1:0] tell an EL0 fetch from an EL1 one);
	 * false: every stage-2 access is checked at guest_mem.priv (user for
	 * NPT and the G-stage; EPT has no privilege).
	 */
	bool stage2_checks_guest_priv;
	/*
	 * Optional: what the guest's root register is called under this stage 2,
	 * its one-stage name after this prefix (RISC-V "v": vsatp); absent: the
	 * one-stage name.
	 */
	const char *stage2_guest_register_prefix;
	/* Optional: the root register's name when the format is a stage 2 (AMD's nCR3); absent: root_register. */
	const char *stage2_root_register;
};

extern const struct pt_arch pt_arch_x86_64;   /* 4- and 5-level paging */
extern const struct pt_arch pt_arch_riscv64;  /* Sv39, Sv48, Sv57 */
extern const struct pt_arch pt_arch_riscv32;  /* Sv32 */
extern const struct pt_arch pt_arch_riscv64x4; /* G-stage Sv39x4, Sv48x4, Sv57x4 (Hypervisor extension) */
extern const struct pt_arch pt_arch_ept;      /* Intel EPT, 4- and 5-level (SDM vol. 3 29.3) */
extern const struct pt_arch pt_arch_x86_32;   /* 32-bit paging, PSE and PSE-36 */
extern const struct pt_arch pt_arch_toy;      /* layout from the config (pc->layout) */
extern const struct pt_arch pt_arch_aarch64;  /* VMSAv8-64 stage 1, EL1&0: 4K, 16K, 64K granules */
extern const struct pt_arch pt_arch_aarch64_stage2; /* VMSAv8-64 stage 2 of EL1&0 (VTTBR_EL2, VTCR_EL2) */

/* The format named `name`, or NULL. */
const struct pt_arch *pt_arch_find(const char *name);

/*
 * Refuses a VA wider than the addresses this CPU forms (address_bits): no
 * fault of this machine, but an input that cannot be one of its addresses.
 */
int pt_arch_check_va_fits(const struct pt_arch *arch, uint64_t va, struct mm_error *err);

/* Every format's name, for a message: "a, b or c". */
void pt_arch_names(char *buf, size_t len);

/* The root register's value for root and asid: encode_root_reg, and root_reg_ctl_bits from ctl. */
uint64_t pt_arch_root_reg(const struct pt_arch *arch, const struct paging_consts *pc, const struct cpu_ctl *ctl,
			  uint64_t root, uint16_t asid);

/* A stage-2 format's root register name (stage2_root_register, else root_register: "ncr3", "hgatp"). */
const char *pt_arch_stage2_register(const struct pt_arch *stage2);
/* The guest's root register name under a stage 2 ("vsatp" under the G-stage, "cr3" under EPT) into buf. */
void pt_arch_guest_register(const struct pt_arch *stage2, const struct pt_arch *guest, char *buf, size_t len);

/* The names of the formats that may be a stage 2 (with a stage2_report), as pt_arch_names. */
void pt_arch_stage2_names(char *buf, size_t len);

/* The format whose PTE layout the config describes (its `toy:` block), or NULL. */
const struct pt_arch *pt_arch_layout_from_config(void);

/* True when some format reads the `cpu:` key `name` (so it is known, if not to this one). */
bool pt_arch_any_cpu_key(const char *name);

/*
 * Rejects paging constants this format cannot express: its geometry, then
 * its check_limits.  The messages name the format.
 */
int pt_arch_check_consts(const struct pt_arch *arch, const struct paging_consts *pc, struct mm_error *err);

/* The frame of the page at va that leaf pte (at level) maps, for the views: leaf_frame or the entry's address. */
uint64_t pt_arch_leaf_frame(const struct pt_arch *arch, const struct paging_consts *pc, const struct cpu_ctl *ctl,
			    uint64_t pte, unsigned level, uint64_t va);

/* The highest level whose leaf the walk takes for a page: leaf_top or highest_translation_level. */
unsigned pt_arch_leaf_top(const struct pt_arch *arch, const struct paging_consts *pc);

/* The page sizes a walk may report beyond the levels' own (runs), as a mask of 1 << log2(size). */
uint64_t pt_arch_span_shift_mask(const struct pt_arch *arch, const struct paging_consts *pc);

/* Whether the hardware sets D on a write to a page mapped writable and clean (hw_sets_dirty, else the ad policy). */
bool pt_arch_hw_sets_dirty(const struct pt_arch *arch, const struct cpu_ctl *ctl);

/* Adapts and checks properties for encoding (fit_prop, check_prop; either may be absent). */
int pt_arch_fit_prop(const struct pt_arch *arch, struct page_prop *p, const struct cpu_ctl *ctl,
		     struct mm_error *err);

/*
 * Fills ws->res->fault; used by arch hooks.  Inline so that the walk state
 * never escapes the walk loop and its fields can stay in registers.
 */
static inline __attribute__((always_inline)) void
walk_set_fault(struct walk_state *ws, enum fault_kind kind, enum fault_reason reason, unsigned level,
	       uint64_t code)
{
	ws->res->ok = false;
	ws->res->fault.kind = kind;
	ws->res->fault.reason = reason;
	ws->res->fault.level = level;
	ws->res->fault.code = code;
}

#endif
