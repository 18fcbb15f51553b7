/*
 * tree: the page-table tree as rows, read node by node from physical memory
 * through the config's layout (levels, index bits, PTE size) and the API's PTE
 * helpers (mmusim_pte_present, _leaf, _address, _describe).  show (text,
 * DOT) and report --html (SVG) all draw from these rows, so every format
 * works for any number of levels and for 4- and 8-byte PTEs alike.
 *
 * One row per present entry, in depth-first VA order; a run of similar leaves
 * in one node (consecutive indexes, the same bits apart from the address, the
 * frames contiguous) is one row with a count.
 */
#ifndef MMUSIM_TOOLS_TREE_H
#define MMUSIM_TOOLS_TREE_H

#include <stdbool.h>
#include <stdint.h>

#include <mmusim.h>

struct tree_row {
	unsigned level;
	uint64_t table;             /* PA of the node holding the entry */
	unsigned index;             /* first index of the run */
	unsigned count;             /* entries in the run (1 for a pointer) */
	uint64_t pte;               /* raw value of the first entry */
	uint64_t va;                /* canonical VA the first entry starts at */
	uint64_t va_last;           /* last VA byte the run covers */
	uint64_t addr;              /* next table (pointer) or first frame (leaf) */
	uint64_t page_size;         /* bytes one entry maps */
	bool leaf;
	bool expanded;              /* a pointer whose node is listed below it */
	bool unreadable;            /* a pointer to a node outside physical memory */
	int parent;                 /* row index of the pointer above, -1 at the top */
	unsigned half;              /* the root it hangs from: index into tree.roots */
	unsigned walks;             /* bit i: the walk of the i-th highlighted VA reads this entry */
	/*
	 * A leaf the hardware does not translate through (reserved bits in it
	 * or above it, a misaligned superpage, PS in a PML4E), or a pointer it
	 * refuses at its own level (reserved bits): the fault of a walk to its
	 * first VA and its level; MMUSIM_FAULT_NONE otherwise (permission and A/D
	 * faults still leave a mapping).  tree_build_machine only.
	 */
	unsigned fault_kind, fault_level;
};

struct tree_options {
	unsigned depth;             /* levels shown from the top (1 = top-level entries only) */
	uint64_t from, to;          /* VA range shown, inclusive, canonical */
};

/* Reads `size` bytes at physical address pa into *val; MMUSIM_OK or MMUSIM_EBUS outside memory. */
typedef int tree_read_fn(void *ctx, uint64_t pa, unsigned size, uint64_t *val);

/* One root the tree is read from; a split-root format (AArch64) has two. */
struct tree_root {
	uint64_t table;
	bool upper;                 /* the upper VA half's (TTBR1, the kernel table) */
};

struct tree {
	const mmusim_config *cfg;
	tree_read_fn *read;
	void *ctx;
	struct tree_root roots[2];
	unsigned nr_roots;
	uint16_t asid;               /* the address space shown (its root register's ASID / PCID field) */
	struct tree_row *rows;
	unsigned nr_rows;
	unsigned cap;
};

#define TREE_MAX_ROWS (1u << 20)

/*
 * Reads the tree under root through read(ctx, ...), and for a split-root
 * format the upper half's under upper_root too (0: none), its rows after the
 * lower half's; refuses trees of more than TREE_MAX_ROWS rows.
 */
int tree_build(struct tree *t, const mmusim_config *cfg, tree_read_fn *read, void *ctx, uint64_t root,
	       uint64_t upper_root, const struct tree_options *opt, mmusim_error *err);
/*
 * What a pointer row leads to, when not simply its node below: "not followed: the walk
 * faults KIND at level N" (an entry the walk refuses), "outside physical memory", "not
 * expanded", or "".
 */
void tree_pointer_note(const struct tree_row *r, char *buf, size_t len);
/* tree_build over a machine's physical memory, from its current root(s) (mmusim_root, mmusim_upper_root). */
int tree_build_machine(struct tree *t, mmusim_machine *m, const struct tree_options *opt, mmusim_error *err);
/* "TTBR0 (user)" for a split-root format's halves, NULL for a format with one root. */
const char *tree_root_label(const struct tree *t, unsigned half);
/* The value of the root register that selects half's table in t's address space (the ASID in TTBR0 only). */
uint64_t tree_root_register_value(const struct tree *t, unsigned half);
/*
 * Entries a node of `level` holds in one half's table (the top level's may be
 * fewer; a split-root format's upper half has a top level of its own).
 */
unsigned tree_node_entries(const mmusim_config *cfg, bool upper, unsigned level);
/* Levels of root `half`'s table: its top level is that number (AArch64's halves may differ). */
unsigned tree_root_levels(const struct tree *t, unsigned half);
void tree_free(struct tree *t);

/* Marks the rows res's steps read with bit `walk_bit` (0..31). */
void tree_mark_walk(struct tree *t, const mmusim_translation *res, unsigned walk_bit);

#endif
