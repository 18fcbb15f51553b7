/*
 * stage2_host: the host side of a virtual machine — host physical memory,
 * the stage-2 table the hypervisor keeps for the VM (EPT, NPT, the RISC-V
 * G-stage, Arm stage 2) built from real entries in that memory, and the
 * guest-physical memory (guest_mem) that the guest's own tables live in.
 *
 * The guest's RAM is backed at creation when the config says so (the
 * default): one contiguous run of host frames mapped with the largest
 * stage-2 leaves that fit, as a hypervisor that preallocates a VM's memory
 * does, so that a guest builds its tables without any gmap.
 */
#ifndef MMUSIM_SIM_STAGE2_HOST_H
#define MMUSIM_SIM_STAGE2_HOST_H

#include <stdint.h>

#include "pt/page_table.h"
#include "pt/walk.h"
#include "sim/guest_mem.h"
#include "sim/machine_config.h"
#include "sim/physmem.h"

/*
 * What the host keeps per virtual machine: its stage-2 table, the host
 * frames backing its RAM and the guest's frame allocator.  stage2_host holds
 * the running VM's (machine_vm.c keeps the others').
 */
struct stage2_vm {
	struct page_table *table;
	uint64_t backing_hpa;
	uint64_t filled_pages;
	struct physmem *frames;
	uint16_t vmid;
};

struct stage2_host {
	struct stage2_config cfg;
	struct physmem *pm;           /* host memory */
	struct pt_mem mem;
	struct pt_env env;
	struct pt_kind_config kind;   /* one table over every top-level entry */
	struct walker walker;
	struct page_table *table;     /* the stage-2 table */
	struct guest_mem guest;       /* guest-physical memory through it */
	uint64_t backing_hpa;         /* host PA of guest RAM's backing, when backed at creation */
	uint64_t guest_base, guest_size; /* guest RAM */
	uint64_t filled_pages;        /* guest pages the host backed on first touch */
};

/*
 * Builds host memory and an empty stage-2 table; with cfg->back_guest_memory,
 * maps guest RAM [guest_base, guest_base + guest_size) to fresh host frames.
 * `frames` is the guest's frame allocator over that RAM (guest_mem.frames).
 */
int stage2_host_create(const struct stage2_config *cfg, uint64_t guest_base, uint64_t guest_size,
		       struct physmem *frames, struct stage2_host **out, struct mm_error *err);
void stage2_host_destroy(struct stage2_host *h);

/*
 * The host side of a VM whose memory is someone else's (an image of host
 * memory): the stage-2 table already at `root` there, read-only (no nodes,
 * no backing, no fills).
 */
int stage2_host_attach(const struct stage2_config *cfg, const struct pt_mem *mem, uint64_t root,
		       struct stage2_host **out, struct mm_error *err);

/*
 * The hypervisor's answer to a stage-2 fault on guest RAM it did not back
 * yet (back_guest_memory: false): maps gpa's base page to a fresh host
 * frame, as KVM does on an EPT violation.  MM_ERANGE for a GPA outside
 * guest RAM (a real fault the guest must see).
 */
int stage2_host_fill(struct stage2_host *h, uint64_t gpa, struct mm_error *err);

/*
 * Makes a new VM the running one: an empty stage-2 table, its guest RAM
 * backed by fresh host frames if the config says so, `frames` the guest's
 * allocator.  The caller saved the running VM's part (stage2_host_save_vm).
 * On failure nothing is left of the new VM and the caller restores.
 */
int stage2_host_start_vm(struct stage2_host *h, uint16_t vmid, struct physmem *frames, struct mm_error *err);
/* The running VM's part, saved; and another's, made the running one. */
void stage2_host_save_vm(const struct stage2_host *h, struct stage2_vm *out);
void stage2_host_load_vm(struct stage2_host *h, const struct stage2_vm *vm);

/*
 * Drops the nested TLB's and stage-2 PWCs' entries of the running VM, or
 * (one_page) those of one GPA's page and all its PWC entries, or (all_vms)
 * every VM's.
 */
void stage2_host_flush_caches(struct stage2_host *h, bool one_page, uint64_t gpa, bool all_vms);
/* Zeroes the nested TLB's and the stage-2 PWCs' counters. */
void stage2_host_reset_cache_stats(struct stage2_host *h);

/* The stage-2 root's host PA (what hgatp, EPTP, nCR3 or VTTBR_EL2 points at). */
uint64_t stage2_host_root(const struct stage2_host *h);

/* gmap / gunmap / gprotect: edits of the stage-2 table (GPA -> HPA). */
int stage2_host_map(struct stage2_host *h, uint64_t gpa, uint64_t hpa, uint64_t len,
		    const struct page_prop *prop, struct mm_error *err);
int stage2_host_unmap(struct stage2_host *h, uint64_t gpa, uint64_t len, struct mm_error *err);
int stage2_host_protect(struct stage2_host *h, uint64_t gpa, uint64_t len, const struct page_prop *prop,
			struct mm_error *err);

#endif
