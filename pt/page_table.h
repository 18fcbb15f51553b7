/*
 * page_table: building and editing page tables in the hardware's layout (the
 * OS side of the MMU).
 *
 * A table of a kind manages the VAs whose top-level index falls in
 * [top_start, top_end).  A user table created from a kernel table shares the
 * kernel's top-level entries, so kernel mappings are visible in every address
 * space; the kernel table never clears those entries (top_can_unmap false) and
 * copies each new one into every table that shares it.
 *
 * pt_map splits a range into the largest pages alignment allows (up to
 * highest_translation_level) and replaces whatever was mapped there.
 * pt_unmap / pt_protect split a huge page the range covers only in part;
 * pt_unmap frees nodes that become empty.  Every operation validates its
 * arguments and counts the nodes it will need before it writes a byte, so a
 * failed call leaves the table as it was.
 */
#ifndef MMUSIM_PT_PAGE_TABLE_H
#define MMUSIM_PT_PAGE_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu_ctl.h"
#include "mm_error.h"
#include "page_prop.h"
#include "paging_consts.h"
#include "pt_mem.h"

struct pt_arch;

/* A page-table kind: which top-level entries it manages. */
struct pt_kind_config {
	unsigned top_start;   /* top_level_index_range: [top_start, top_end) */
	unsigned top_end;
	bool top_can_unmap;
	bool upper_half;      /* split-root formats (Arm TTBR1): the table of the upper VA half */
};

/* What a table works with; the pointed-to objects outlive the table. */
struct pt_env {
	const struct pt_arch *arch;
	const struct paging_consts *pc;
	const struct cpu_ctl *ctl;
	const struct pt_mem *mem;
};

struct page_table;

/* One leaf mapping as query / iteration report it. */
struct pt_mapping {
	uint64_t va;           /* canonical start of the page */
	uint64_t pa;
	uint64_t size;
	unsigned level;
	uint64_t pte;
	struct page_prop prop; /* decoded leaf properties */
	unsigned perms;        /* PERM_* the hardware would grant, all levels combined */
};

int pt_create(const struct pt_env *env, const struct pt_kind_config *kind,
	      struct page_table **out, struct mm_error *err);
/* A table of `kind` whose top-level entries in kernel's range are kernel's. */
int pt_create_shared(const struct pt_env *env, const struct pt_kind_config *kind,
		     struct page_table *kernel, struct page_table **out, struct mm_error *err);
/*
 * A view of a table that already exists in memory at `root` (an image, a dump):
 * query and iteration work; the view owns no nodes, and pt_destroy frees none.
 */
int pt_attach(const struct pt_env *env, uint64_t root, bool upper_half, struct page_table **out,
	      struct mm_error *err);
/* Frees every node the table owns (not the shared kernel ones). */
void pt_destroy(struct page_table *pt);

uint64_t pt_root(const struct page_table *pt);
/* Nodes owned by this table (including its root). */
uint64_t pt_nr_nodes(const struct page_table *pt);
/* True when va is canonical and its top-level index lies in the table's range. */
bool pt_owns_va(const struct page_table *pt, uint64_t va);

int pt_map(struct page_table *pt, uint64_t va, uint64_t pa, uint64_t len,
	   const struct page_prop *prop, struct mm_error *err);
int pt_unmap(struct page_table *pt, uint64_t va, uint64_t len, struct mm_error *err);
/*
 * pt_unmap that frees no table it empties, as an OS swapping a page out
 * keeps the table that holds the page's (swap) PTE.
 */
int pt_unmap_keep_tables(struct page_table *pt, uint64_t va, uint64_t len, struct mm_error *err);
/*
 * Frees the tables under [va, va+len) that map nothing, where a table's whole
 * span lies in [floor, ceiling]; changes no entry that maps.  As Linux's
 * free_pgd_range after munmap: a table whose span another region still
 * covers stays (it may hold a swapped-out page's PTE), however empty.
 */
int pt_prune(struct page_table *pt, uint64_t va, uint64_t len, uint64_t floor, uint64_t ceiling,
	     struct mm_error *err);
/* Replaces the properties of what is mapped in the range; keeps A/D already set. */
int pt_protect(struct page_table *pt, uint64_t va, uint64_t len, const struct page_prop *prop,
	       struct mm_error *err);

/* Fills *out and returns true when va is mapped (a software lookup: no A/D, no checks). */
/* pt_map with leaves no larger than max_page_size (0: any size). */
int pt_map_sized(struct page_table *pt, uint64_t va, uint64_t pa, uint64_t len,
		 const struct page_prop *prop, uint64_t max_page_size, struct mm_error *err);
bool pt_query(const struct page_table *pt, uint64_t va, struct pt_mapping *out);

/* Where the descent to a VA stops when it does not reach the level asked for. */
enum pt_slot_stop {
	PT_SLOT_FOUND,         /* *slot is the entry read at that level */
	PT_SLOT_NOT_PRESENT,   /* the entry at *stop_level is not present */
	PT_SLOT_LEAF,          /* the entry at *stop_level maps a page */
	PT_SLOT_OUTSIDE,       /* the entry at *stop_level points outside memory (*slot: where) */
	PT_SLOT_NON_CANONICAL, /* va is not canonical: nothing is read */
};
/*
 * The entry the walk of va reads at `level` (1 = leaf level, nr_levels =
 * the root): its physical address in *slot and its value in *pte.  The
 * descent follows present pointers whatever their other bits (reserved ones
 * included), as an author of a broken table needs; it stops at an entry that
 * is not present, maps a page or points outside memory, *stop_level saying
 * which.
 */
enum pt_slot_stop pt_entry_slot(const struct page_table *pt, uint64_t va, unsigned level, uint64_t *slot,
				uint64_t *pte, unsigned *stop_level);
/*
 * What an OS's page scanner does to the leaf mapping va: reads its A bit and
 * clears it in memory (the frame and every other bit stay).  Returns true when
 * A was set; false when it was clear or va is not mapped.  The TLB is not told:
 * a cached translation goes on being used without setting A again.
 */
bool pt_test_and_clear_accessed(struct page_table *pt, uint64_t va);

#define PT_FOR_EACH_MAX_REENTRIES 64
#define PT_FOR_EACH_LOOP (-1)
#define PT_FOR_EACH_NO_MEMORY (-2)
#define PT_FOR_EACH_MAX_SHARED 4096
#define PT_FOR_EACH_SHARED (-3)

/*
 * Calls fn for each leaf in ascending VA order; stops and returns fn's nonzero
 * value (fn returns 0 or a positive value).  A node reached again (entries
 * that lead back into the table, as a hostile image can hold) is walked again
 * at most PT_FOR_EACH_MAX_REENTRIES times in all; one more stops the walk with
 * PT_FOR_EACH_LOOP.  A node reached again from an entry below which it does
 * not already lie (a node shared under several entries, as real kernels
 * share them) is walked again at most PT_FOR_EACH_MAX_SHARED times in all;
 * one more stops the walk with PT_FOR_EACH_SHARED.  PT_FOR_EACH_NO_MEMORY
 * when the host cannot hold the set of nodes entered.
 */
int pt_for_each(const struct page_table *pt, int (*fn)(void *arg, const struct pt_mapping *m),
		void *arg);

#endif
