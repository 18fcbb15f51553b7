/*
 * yaml_tree: a YAML document as a small tree that remembers where every node
 * came from.
 *
 * libyaml's event parser is turned into nodes (scalars, sequences, mappings)
 * that each carry the file name and the 0-based line and column of their first
 * character, so that checks made long after parsing -- including on a tree
 * merged from two documents -- can still report "file:line:column".  Mapping
 * keys must be unique scalars; aliases resolve to the anchored node (shared,
 * not copied); tags are ignored.
 *
 * All nodes of one or more documents live in one arena (struct ytree) and are
 * freed together, which is what makes merging cheap: ytree_merge() shares
 * the nodes of both documents instead of copying them.
 */
#ifndef MMUSIM_SIM_YAML_TREE_H
#define MMUSIM_SIM_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "pt/mm_error.h"

/* Deepest nesting of sequences and mappings accepted. */
#define YTREE_MAX_DEPTH 64

enum ynode_kind { YNODE_SCALAR, YNODE_SEQUENCE, YNODE_MAPPING };

struct ynode;

struct yitem {
	struct ynode *node;
	struct yitem *next;
};

struct ypair {
	struct ynode *key;   /* always a scalar */
	struct ynode *value;
	struct ypair *next;
};

struct ynode {
	enum ynode_kind kind;
	const char *file;      /* document the node came from */
	size_t line;           /* 0-based, as in libyaml marks */
	size_t column;
	/* YNODE_SCALAR */
	const char *str;       /* NUL-terminated, no embedded NUL */
	bool plain;            /* written without quotes or block indicator */
	/* YNODE_SEQUENCE: items in order; YNODE_MAPPING: pairs in order */
	struct yitem *items;
	struct ypair *pairs;
	size_t count;          /* number of items or pairs */
};

struct ytree_block;

/* The arena owning every node of the documents parsed into it. */
struct ytree {
	struct ytree_block *blocks;
};

void ytree_init(struct ytree *t);
/* Frees every node, string and file name allocated in `t`. */
void ytree_free(struct ytree *t);

/*
 * Parses one YAML document from text[0..len).  `file` is copied and used in
 * error messages and in the nodes.  Fills *root with the document's root
 * node, or NULL when the stream holds no document at all.  Returns MM_OK,
 * MM_EINVAL with "file:line:column: message" (syntax errors, duplicate or
 * non-scalar keys, unknown aliases, more than one document, nesting deeper
 * than YTREE_MAX_DEPTH) or MM_ENOMEM.
 */
int ytree_parse(struct ytree *t, const char *text, size_t len, const char *file,
		struct ynode **root, struct mm_error *err);

/*
 * Merges mapping `over` over mapping `base` into *out, leaving both inputs
 * unchanged: for each key of `over`, a mapping meeting a mapping merges key
 * by key, recursively; anything else (scalar, sequence, or a mapping meeting
 * a non-mapping) replaces the value of `base`, key node included, so that
 * positions point into `over`.  Keys new to `base` are appended.  Merged
 * mappings keep the position of `base`.  Returns MM_OK or MM_ENOMEM.
 */
int ytree_merge(struct ytree *t, const struct ynode *base, const struct ynode *over,
		struct ynode **out, struct mm_error *err);

/* The pair of mapping `map` whose key is `key`, or NULL. */
struct ypair *ynode_find(const struct ynode *map, const char *key);

/* The value of `key` in mapping `map`, or NULL. */
const struct ynode *ynode_get(const struct ynode *map, const char *key);

/* Item `i` (0-based) of sequence `seq`, or NULL. */
const struct ynode *ynode_item(const struct ynode *seq, size_t i);

/*
 * Sets *err to MM_EINVAL with "file:line:column: " (1-based) and the
 * printf-style message; returns MM_EINVAL.
 */
int ynode_error(struct mm_error *err, const struct ynode *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefixes the message already in *err with the position of `n`. */
void ynode_prefix_error(struct mm_error *err, const struct ynode *n);

#endif
