/*
 * machine: one simulated machine — its config, physical memory, the kernel
 * page table and the current address space (a user table sharing the
 * kernel's top-level entries).  Everything hangs off this object; two
 * machines can live side by side in one process.
 */
#ifndef MMUSIM_SIM_MACHINE_H
#define MMUSIM_SIM_MACHINE_H

#include <stdint.h>

#include "pt/page_table.h"
#include "pt/walk.h"
#include "sim/config.h"
#include "sim/physmem.h"

struct machine {
	struct machine_config cfg;
	struct physmem *pm;
	struct pt_mem mem;
	struct pt_env env;
	struct walker walker;
	struct page_table *kernel;
	struct page_table *user;
};

/* Builds memory and the two tables from cfg (copied). */
int machine_create(const struct machine_config *cfg, struct machine **out, struct mm_error *err);
void machine_destroy(struct machine *m);

/*
 * The table a VA belongs to: the kernel table for its index range, the
 * current user table for the user range, NULL for neither.
 */
struct page_table *machine_table_for(struct machine *m, uint64_t va);

/* map / unmap / protect, routed to the table the range starts in. */
int machine_map(struct machine *m, uint64_t va, uint64_t pa, uint64_t len,
		const struct page_prop *prop, struct mm_error *err);
int machine_unmap(struct machine *m, uint64_t va, uint64_t len, struct mm_error *err);
int machine_protect(struct machine *m, uint64_t va, uint64_t len, const struct page_prop *prop,
		    struct mm_error *err);

/* The hardware walk through the current address space. */
void machine_walk(struct machine *m, const struct walk_request *req, struct walk_result *res);
/* Root of the current address space (what CR3 / satp points at). */
uint64_t machine_root(const struct machine *m);

#endif
