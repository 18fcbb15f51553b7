/*
 * region: the regions of each address space (see region.h).
 *
 * The set is an AVL tree ordered by (asid, start).  Regions of one address
 * space never overlap, so that order is also the order of their ends, and
 * the region that may hold a VA is the last one of its asid starting at or
 * below it: a search down the tree finds it.  Every page fault looks its
 * region up, every mmap looks for an overlap and every munmap for the
 * regions it cuts, so with a scan of a flat list a trace of a program with
 * thousands of mmaps was quadratic (32 000 one-page regions: 8.9 s, now a
 * third of a second).  A sorted array would search as fast but move its tail
 * on every mmap (Linux hands out mmaps top-down: each new one lowest, so the
 * whole array), quadratic again; a tree inserts and deletes in O(log n).
 *
 * Nodes are allocated one by one and relinked, never copied, so a region's
 * address stays valid until that region itself is cut or removed.
 */
#include "region.h"

#include <inttypes.h>
#include <stdlib.h>

struct region_node {
	struct region r; /* first: a node's address is its region's */
	struct region_node *left, *right;
	int height;      /* of the subtree: 1 for a leaf */
};

static void free_tree(struct region_node *n)
{
	while (n) {
		struct region_node *right = n->right;
		free_tree(n->left);
		free(n);
		n = right;
	}
}

void region_set_fini(struct region_set *rs)
{
	free_tree(rs->root);
	*rs = (struct region_set){ 0 };
}

/* <0, 0, >0 as (asid, va) sorts before, at or after region r's (asid, start). */
static int cmp_key(uint16_t asid, uint64_t va, const struct region *r)
{
	if (asid != r->asid)
		return asid < r->asid ? -1 : 1;
	return (va > r->start) - (va < r->start);
}

/* The last region at or before (asid, va) in the set's order, or NULL. */
static struct region_node *at_or_before(const struct region_set *rs, uint16_t asid, uint64_t va)
{
	struct region_node *n = rs->root, *best = NULL;

	while (n) {
		int c = cmp_key(asid, va, &n->r);
		if (c == 0)
			return n;
		if (c < 0) {
			n = n->left;
		} else {
			best = n;
			n = n->right;
		}
	}
	return best;
}

/* The first region after (asid, va) in the set's order, or NULL. */
static struct region_node *after(const struct region_set *rs, uint16_t asid, uint64_t va)
{
	struct region_node *n = rs->root, *best = NULL;

	while (n) {
		if (cmp_key(asid, va, &n->r) < 0) {
			best = n;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

static int height(const struct region_node *n)
{
	return n ? n->height : 0;
}

static void update(struct region_node *n)
{
	int l = height(n->left), r = height(n->right);
	n->height = 1 + (l > r ? l : r);
}

static struct region_node *rotate_right(struct region_node *y)
{
	struct region_node *x = y->left;
	y->left = x->right;
	x->right = y;
	update(y);
	update(x);
	return x;
}

static struct region_node *rotate_left(struct region_node *x)
{
	struct region_node *y = x->right;
	x->right = y->left;
	y->left = x;
	update(x);
	update(y);
	return y;
}

/* n's subtrees are AVL trees whose heights differ by at most 2: n's subtree becomes one. */
static struct region_node *rebalance(struct region_node *n)
{
	int b = height(n->left) - height(n->right);

	if (b > 1) {
		if (height(n->left->left) < height(n->left->right))
			n->left = rotate_left(n->left);
		return rotate_right(n);
	}
	if (b < -1) {
		if (height(n->right->right) < height(n->right->left))
			n->right = rotate_right(n->right);
		return rotate_left(n);
	}
	update(n);
	return n;
}

/* Inserts node add (its key is in no other node); returns the subtree's new root.  Depth: O(log n). */
static struct region_node *insert(struct region_node *n, struct region_node *add)
{
	if (!n)
		return add;
	if (cmp_key(add->r.asid, add->r.start, &n->r) < 0)
		n->left = insert(n->left, add);
	else
		n->right = insert(n->right, add);
	return rebalance(n);
}

/* Unlinks the subtree's lowest node into *min; returns the subtree's new root. */
static struct region_node *unlink_min(struct region_node *n, struct region_node **min)
{
	if (!n->left) {
		*min = n;
		return n->right;
	}
	n->left = unlink_min(n->left, min);
	return rebalance(n);
}

/* Unlinks node gone (in the subtree) and frees it; returns the subtree's new root. */
static struct region_node *delete(struct region_node *n, const struct region_node *gone)
{
	int c = cmp_key(gone->r.asid, gone->r.start, &n->r);

	if (c < 0) {
		n->left = delete(n->left, gone);
	} else if (c > 0) {
		n->right = delete(n->right, gone);
	} else {
		struct region_node *left = n->left, *right = n->right, *m;
		free(n);
		if (!left || !right)
			return left ? left : right;
		/* Its successor takes its place, relinked (not copied: other regions' addresses stay). */
		right = unlink_min(right, &m);
		m->left = left;
		m->right = right;
		return rebalance(m);
	}
	return rebalance(n);
}

static int insert_region(struct region_set *rs, const struct region *add, struct mm_error *err)
{
	struct region_node *n = malloc(sizeof(*n));

	if (!n)
		return mm_error_set(err, MM_ENOMEM, "out of host memory");
	*n = (struct region_node){ .r = *add, .height = 1 };
	rs->root = insert(rs->root, n);
	rs->nr++;
	return MM_OK;
}

static void delete_region(struct region_set *rs, struct region_node *n)
{
	rs->root = delete(rs->root, n);
	rs->nr--;
}

int region_add(struct region_set *rs, const struct region *add, struct mm_error *err)
{
	/*
	 * Only two neighbours can meet it: the one starting at or below its
	 * start (which meets it when it ends above that start) and the next one
	 * (which meets it when it starts below its end).  The message names the
	 * lower when both do.
	 */
	const struct region_node *below = at_or_before(rs, add->asid, add->start);
	const struct region_node *above = after(rs, add->asid, add->start);
	const struct region *r = NULL;

	if (below && below->r.asid == add->asid && below->r.end > add->start)
		r = &below->r;
	else if (above && above->r.asid == add->asid && above->r.start < add->end)
		r = &above->r;
	if (r)
		return mm_error_set(err, MM_EINVAL,
				    "mmap: [0x%" PRIx64 ", 0x%" PRIx64 ") overlaps the region [0x%" PRIx64
				    ", 0x%" PRIx64 ")",
				    add->start, add->end, r->start, r->end);
	return insert_region(rs, add, err);
}

int region_remove(struct region_set *rs, uint16_t asid, uint64_t start, uint64_t len, struct mm_error *err)
{
	uint64_t end = start + len;
	/* The first region that may meet the range: the one holding start, else the next one up. */
	struct region_node *n = at_or_before(rs, asid, start);
	bool met = false;

	if (!n || n->r.asid != asid || n->r.end <= start)
		n = after(rs, asid, start);
	while (n && n->r.asid == asid && n->r.start < end) {
		struct region *r = &n->r;
		met = true;
		if (r->start < start && end < r->end) {
			/* A hole in the middle: the part above becomes a region of its own. */
			struct region above = *r;
			above.start = end;
			r->end = start;
			return insert_region(rs, &above, err);
		}
		uint64_t key = r->start;
		if (r->start < start) {
			r->end = start;
		} else if (end < r->end) {
			r->start = end; /* still above the region before it (which ends at or below start), below the next */
			key = end;
		} else {
			delete_region(rs, n);
		}
		n = after(rs, asid, key);
	}
	if (!met)
		return mm_error_set(err, MM_EINVAL, "munmap: no region in [0x%" PRIx64 ", 0x%" PRIx64 ")", start, end);
	return MM_OK;
}

const struct region *region_find(const struct region_set *rs, uint16_t asid, uint64_t va)
{
	const struct region_node *n = at_or_before(rs, asid, va);

	return n && n->r.asid == asid && va < n->r.end ? &n->r : NULL;
}

const struct region *region_first(const struct region_set *rs, uint16_t asid)
{
	const struct region_node *n = at_or_before(rs, asid, 0);

	if (!n || n->r.asid != asid)
		n = after(rs, asid, 0);
	return n && n->r.asid == asid ? &n->r : NULL;
}

const struct region *region_next_space(const struct region_set *rs, const struct region *r)
{
	const struct region_node *n = rs->root;

	if (!r) {
		while (n && n->left)
			n = n->left;
		return n ? &n->r : NULL;
	}
	/* No region starts at UINT64_MAX (its end would wrap): the next key is the next asid's. */
	n = after(rs, r->asid, UINT64_MAX);
	return n ? &n->r : NULL;
}

void region_gap(const struct region_set *rs, uint16_t asid, uint64_t va, uint64_t *floor, uint64_t *ceiling)
{
	/* No region of asid holds va: the one at or before it ends at or below it, the next starts above it. */
	const struct region_node *below = at_or_before(rs, asid, va), *above = after(rs, asid, va);

	if (below && below->r.asid == asid && below->r.end > *floor)
		*floor = below->r.end;
	if (above && above->r.asid == asid && above->r.start - 1 < *ceiling)
		*ceiling = above->r.start - 1;
}

int region_copy(struct region_set *rs, uint16_t parent, uint16_t child, struct mm_error *err)
{
	const struct region_node *n = (const struct region_node *)region_first(rs, parent);
	int rc = MM_OK;

	while (n && n->r.asid == parent && rc == MM_OK) {
		struct region copy = n->r;
		copy.asid = child;
		rc = region_add(rs, &copy, err);
		n = after(rs, parent, n->r.start);
	}
	return rc;
}
