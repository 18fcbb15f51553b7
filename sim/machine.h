/*
 * machine: one simulated machine — its config, physical memory, the kernel
 * page table and the address spaces: one user table per ASID, created on
 * first use, each sharing the kernel's top-level entries.  `user` is the
 * current one (ASID 0 at start).  Everything hangs off this object; two
 * machines can live side by side in one process.
 */
#ifndef MMUSIM_SIM_MACHINE_H
#define MMUSIM_SIM_MACHINE_H

#include <stdint.h>

#include "pt/page_table.h"
#include "pt/walk.h"
#include "sim/machine_config.h"
#include "sim/nested_walk.h"
#include "sim/physmem.h"

struct stage2_host;
struct machine_vm;

struct machine {
	struct machine_config cfg;
	/*
	 * NULL for a machine attached to an image.  In a virtual machine
	 * (cfg.stage2.arch set) it allocates guest RAM's frames (GPAs) and holds
	 * none of their bytes: those are in host memory, behind `host`.
	 */
	struct physmem *pm;
	struct stage2_host *host;            /* a virtual machine's host side, else NULL */
	struct pt_mem mem;
	struct pt_env env;
	/*
	 * The kernel table's constants and env: cfg.pc's, except on a split-root
	 * format whose upper half has a VA size of its own (pc_half).
	 */
	struct paging_consts upper_pc;
	struct pt_env kernel_env;
	struct walker walker;
	struct page_table *kernel;
	struct page_table *user;             /* the current address space */
	uint16_t asid;                       /* ... and its ASID */
	struct page_table **by_asid;         /* MACHINE_NR_ASIDS slots, NULL until used */
	/*
	 * A virtual machine's host may run several (`vm N`): the fields above
	 * (pm, kernel, user, asid, by_asid, the walker's upper root, and the
	 * host's stage-2 part) are the running VM's, `vmid`; the others' wait
	 * in `vms` (MACHINE_NR_VMS slots, NULL until first used, allocated
	 * with the second VM).
	 */
	uint16_t vmid;
	struct machine_vm **vms;
};

#define MACHINE_NR_ASIDS 65536
/* VMIDs 0..255: the 8 bits every Arm implementation has; RISC-V and x86 allow more. */
#define MACHINE_NR_VMS 256

/*
 * An image's one address space is the ASID its root register holds (CR3's
 * PCID, satp.ASID, TTBR0.ASID): the views then show the register as given
 * and TLB entries carry it.  Bits above the CPU's ASID width are dropped, as
 * the hardware ignores them.  Nothing for a machine with its own memory.
 */
void machine_image_asid(struct machine *m, uint16_t asid);
/* The user table of `asid`, created (sharing the kernel's entries) on first use. */
int machine_space(struct machine *m, uint16_t asid, struct page_table **out, struct mm_error *err);
/* Makes `asid` the current address space (creating it if needed). */
int machine_switch(struct machine *m, uint16_t asid, struct mm_error *err);
/*
 * Makes virtual machine vmid the running one (created on first use: guest
 * RAM of its own, backed by fresh host frames when the config backs guest
 * memory, its own stage-2 table and guest kernel table), in its ASID 0
 * address space or the one it last ran.  A machine without a stage2: block,
 * or attached to an image, has VM 0 only.
 */
int machine_switch_vm(struct machine *m, unsigned vmid, struct mm_error *err);
/* How many virtual machines exist (1 on a native machine). */
unsigned machine_nr_vms(const struct machine *m);
/* Guest page-table nodes of the VMs that are not running (machine_nr_nodes counts them all). */
uint64_t machine_other_vms_nodes(const struct machine *m);
/* Frees every VM but the running one (machine_destroy's first step). */
void machine_destroy_vms(struct machine *m);

/* Page-table nodes over all tables, every VM's (a VM's stage-2 nodes are host memory's, not counted). */
uint64_t machine_nr_nodes(const struct machine *m);

/*
 * A machine whose memory is someone else's (a physical-memory image) and whose
 * one address space is the table already at `root` there: walks and replays
 * work; nothing can be allocated, so edits and demand paging fail cleanly.
 */
int machine_attach(const struct machine_config *cfg, const struct pt_mem *mem, uint64_t root,
		   uint64_t upper_root, struct machine **out, struct mm_error *err);
/*
 * machine_attach for a virtual machine (cfg.stage2.arch set): mem is host
 * memory, stage2_root the stage-2 table's host PA there, root and upper_root
 * the guest's roots (GPAs).
 */
int machine_attach_vm(const struct machine_config *cfg, const struct pt_mem *mem, uint64_t stage2_root,
		      uint64_t root, uint64_t upper_root, struct machine **out, struct mm_error *err);

/* Builds memory and the two tables from cfg (copied). */
int machine_create(const struct machine_config *cfg, struct machine **out, struct mm_error *err);
void machine_destroy(struct machine *m);

/*
 * The table va belongs to in the address space whose user table is `user`:
 * the kernel table for the kernel index range, `user` for the user range.
 * Returns MM_OK with *out set, or MM_ERANGE with a message naming both ranges
 * (or saying that va is not canonical).
 */
int machine_route(const struct machine *m, struct page_table *user, uint64_t va,
		  struct page_table **out, struct mm_error *err);

/* map / unmap / protect in the current address space, routed to the kernel table for
 * kernel-range VAs. */
int machine_map(struct machine *m, uint64_t va, uint64_t pa, uint64_t len,
		const struct page_prop *prop, struct mm_error *err);
int machine_unmap(struct machine *m, uint64_t va, uint64_t len, struct mm_error *err);
int machine_protect(struct machine *m, uint64_t va, uint64_t len, const struct page_prop *prop,
		    struct mm_error *err);

/* The hardware walk through the current address space. */
void machine_walk(struct machine *m, const struct walk_request *req, struct walk_result *res);
/*
 * The two-stage walk of a virtual machine (m->host set) through the current
 * address space: req->va a guest VA; out->hpa the host PA.
 */
void machine_walk_nested(struct machine *m, const struct walk_request *req, struct nested_result *out);

/* Root of the current address space (what CR3 / satp points at). */
uint64_t machine_root(const struct machine *m);

#endif
