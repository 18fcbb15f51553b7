/*
 * yaml_tree: libyaml events folded into a positioned tree (see yaml_tree.h).
 *
 * The event loop follows libyaml's tests/run-parser.c: every event obtained
 * from yaml_parser_parse() is released with yaml_event_delete() by the code
 * that asked for it, on every path; a failed parse is reported from the
 * parser's problem / problem_mark (0-based, printed +1).  Nodes are built by
 * recursive descent over the events, one call per node, depth-limited so that
 * hostile input cannot exhaust the stack.
 *
 * Duplicate keys and alias targets are looked up in one hash index for the
 * whole parse (keys under their mapping, anchors under no mapping), so a
 * mapping of n keys or n aliases cost O(n), not O(n^2): a 1 MiB config can
 * hold some 100 000 keys.
 */
#include "yaml_tree.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

/* ---- the arena ---- */

struct ytree_block {
	struct ytree_block *next;
	max_align_t data[];
};

void ytree_init(struct ytree *t)
{
	t->blocks = NULL;
}

void ytree_free(struct ytree *t)
{
	struct ytree_block *b = t->blocks;

	while (b) {
		struct ytree_block *next = b->next;
		free(b);
		b = next;
	}
	t->blocks = NULL;
}

/* Zeroed memory owned by `t`, or NULL. */
static void *ytree_alloc(struct ytree *t, size_t size)
{
	struct ytree_block *b = calloc(1, sizeof(*b) + size);

	if (!b)
		return NULL;
	b->next = t->blocks;
	t->blocks = b;
	return b->data;
}

static char *ytree_strndup(struct ytree *t, const char *s, size_t len)
{
	char *p = ytree_alloc(t, len + 1);

	if (p)
		memcpy(p, s, len);
	return p;
}

/* ---- lookups ---- */

struct ypair *ynode_find(const struct ynode *map, const char *key)
{
	for (struct ypair *p = map->pairs; p; p = p->next)
		if (strcmp(p->key->str, key) == 0)
			return p;
	return NULL;
}

const struct ynode *ynode_get(const struct ynode *map, const char *key)
{
	const struct ypair *p = ynode_find(map, key);

	return p ? p->value : NULL;
}

const struct ynode *ynode_item(const struct ynode *seq, size_t i)
{
	const struct yitem *it = seq->items;

	while (it && i--)
		it = it->next;
	return it ? it->node : NULL;
}

/* ---- errors ---- */

int ynode_error(struct mm_error *err, const struct ynode *n, const char *fmt, ...)
{
	char msg[sizeof(err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return mm_error_set(err, MM_EINVAL, "%s:%zu:%zu: %s", n->file, n->line + 1,
			    n->column + 1, msg);
}

void ynode_prefix_error(struct mm_error *err, const struct ynode *n)
{
	char msg[sizeof(err->msg)];

	if (!err)
		return;
	memcpy(msg, err->msg, sizeof(msg));
	mm_error_set(err, err->code, "%s:%zu:%zu: %s", n->file, n->line + 1, n->column + 1, msg);
}

/* ---- the parse's index: (mapping, key) -> key node, (NULL, anchor) -> node ---- */

struct yindex_slot {
	const struct ynode *scope;   /* the mapping of a key; NULL for an anchor */
	const char *str;             /* NULL: empty slot */
	struct ynode *node;
};

struct yindex {
	struct yindex_slot *slots;
	size_t cap, used;            /* cap: a power of two, kept at least twice used */
};

static size_t yindex_hash(const struct ynode *scope, const char *str)
{
	uint64_t h = 14695981039346656037ull ^ (uint64_t)(uintptr_t)scope; /* FNV-1a */

	for (const unsigned char *p = (const unsigned char *)str; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return (size_t)(h ^ h >> 29);
}

/* The slot holding (scope, str), or the empty one where it would go. */
static struct yindex_slot *yindex_slot(const struct yindex *ix, const struct ynode *scope, const char *str)
{
	size_t i = yindex_hash(scope, str) & (ix->cap - 1);

	while (ix->slots[i].str && (ix->slots[i].scope != scope || strcmp(ix->slots[i].str, str) != 0))
		i = (i + 1) & (ix->cap - 1);
	return &ix->slots[i];
}

/* The node stored under (scope, str), or NULL. */
static struct ynode *yindex_get(const struct yindex *ix, const struct ynode *scope, const char *str)
{
	return ix->cap ? yindex_slot(ix, scope, str)->node : NULL;
}

/* Stores node under (scope, str), replacing what was there.  Returns MM_OK or MM_ENOMEM. */
static int yindex_put(struct yindex *ix, const struct ynode *scope, const char *str, struct ynode *node)
{
	struct yindex_slot *slot;

	if (2 * (ix->used + 1) > ix->cap) {
		struct yindex bigger = { .cap = ix->cap ? 2 * ix->cap : 64, .used = ix->used };

		if (!(bigger.slots = calloc(bigger.cap, sizeof(*bigger.slots))))
			return MM_ENOMEM;
		for (size_t i = 0; i < ix->cap; i++)
			if (ix->slots[i].str)
				*yindex_slot(&bigger, ix->slots[i].scope, ix->slots[i].str) = ix->slots[i];
		free(ix->slots);
		*ix = bigger;
	}
	slot = yindex_slot(ix, scope, str);
	if (!slot->str)
		ix->used++;
	*slot = (struct yindex_slot){ scope, str, node };
	return MM_OK;
}

/* ---- parsing ---- */

struct parse {
	struct ytree *t;
	yaml_parser_t parser;
	const char *file;       /* arena copy shared by every node */
	const char *text;       /* the input, to place reader errors */
	size_t len;
	struct yindex index;    /* keys seen per mapping, anchors */
	struct mm_error *err;
};

static int oom(const struct parse *ps)
{
	return mm_error_set(ps->err, MM_ENOMEM, "%s: out of memory", ps->file);
}

static int error_at(const struct parse *ps, const yaml_mark_t *m, const char *msg)
{
	return mm_error_set(ps->err, MM_EINVAL, "%s:%zu:%zu: %s", ps->file, m->line + 1,
			    m->column + 1, msg);
}

/* The report for a failed yaml_parser_parse(). */
static int syntax_error(const struct parse *ps)
{
	const yaml_parser_t *p = &ps->parser;
	const char *problem = p->problem ? p->problem : "syntax error";
	yaml_mark_t m = p->problem_mark;

	if (p->error == YAML_MEMORY_ERROR)
		return oom(ps);
	if (p->error == YAML_READER_ERROR) {
		/* The reader knows only a byte offset: count lines up to it. */
		size_t end = p->problem_offset < ps->len ? p->problem_offset : ps->len;

		m.line = 0;
		m.column = 0;
		for (size_t i = 0; i < end; i++) {
			if (ps->text[i] == '\n') {
				m.line++;
				m.column = 0;
			} else {
				m.column++;
			}
		}
		if (p->problem_value != -1)
			return mm_error_set(ps->err, MM_EINVAL, "%s:%zu:%zu: %s (byte 0x%02x)",
					    ps->file, m.line + 1, m.column + 1, problem,
					    (unsigned)p->problem_value & 0xff);
	}
	if (p->context)
		return mm_error_set(ps->err, MM_EINVAL, "%s:%zu:%zu: %s (%s at %zu:%zu)", ps->file,
				    m.line + 1, m.column + 1, problem, p->context,
				    p->context_mark.line + 1, p->context_mark.column + 1);
	return error_at(ps, &m, problem);
}

static int next_event(struct parse *ps, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&ps->parser, ev))
		return syntax_error(ps);
	return MM_OK;
}

static struct ynode *new_node(struct parse *ps, enum ynode_kind kind, const yaml_mark_t *m)
{
	struct ynode *n = ytree_alloc(ps->t, sizeof(*n));

	if (n) {
		n->kind = kind;
		n->file = ps->file;
		n->line = m->line;
		n->column = m->column;
	}
	return n;
}

/* A later anchor of the same name hides an earlier one, as YAML says. */
static int add_anchor(struct parse *ps, const yaml_char_t *name, struct ynode *node)
{
	const char *copy;

	if (!name)
		return MM_OK;
	if (!(copy = ytree_strndup(ps->t, (const char *)name, strlen((const char *)name))) ||
	    yindex_put(&ps->index, NULL, copy, node))
		return oom(ps);
	return MM_OK;
}

static int parse_node(struct parse *ps, const yaml_event_t *ev, unsigned depth,
		      struct ynode **out);

/*
 * A node's explicit tag.  The YAML 1.1 types a config can hold are read as
 * their tag says (yaml.org/type): !!str (and the non-specific "!") makes a
 * string of a plain scalar, so `!!str 5` is no number; !!int, !!float, !!bool
 * and !!null make a quoted scalar a value, as a plain one is; !!map and !!seq
 * must fit their node.  Any other tag (!!binary, !!set, an application's
 * `!foo`) would need a meaning mmusim does not give it: refused.
 */
static int check_tag(const struct parse *ps, const yaml_event_t *ev, const yaml_char_t *tag,
		     bool *plain)
{
	static const char yaml_org[] = "tag:yaml.org,2002:";
	static const char *const values[] = { "int", "float", "bool", "null" };
	const char *t = (const char *)tag, *type = NULL;

	if (!t)
		return MM_OK;
	if (strncmp(t, yaml_org, sizeof(yaml_org) - 1) == 0)
		type = t + sizeof(yaml_org) - 1;
	if (ev->type == YAML_SCALAR_EVENT && (strcmp(t, "!") == 0 || (type && strcmp(type, "str") == 0))) {
		*plain = false;
		return MM_OK;
	}
	for (size_t i = 0; ev->type == YAML_SCALAR_EVENT && type && i < sizeof(values) / sizeof(values[0]); i++)
		if (strcmp(type, values[i]) == 0) {
			*plain = true;
			return MM_OK;
		}
	if (type && (strcmp(type, "map") == 0 || strcmp(type, "seq") == 0)) {
		const char *fits = ev->type == YAML_MAPPING_START_EVENT ? "map"
				   : ev->type == YAML_SEQUENCE_START_EVENT ? "seq" : NULL;
		const char *what = ev->type == YAML_MAPPING_START_EVENT ? "mapping"
				   : ev->type == YAML_SEQUENCE_START_EVENT ? "sequence" : "scalar";

		if (fits && strcmp(type, fits) == 0)
			return MM_OK;
		return mm_error_set(ps->err, MM_EINVAL, "%s:%zu:%zu: YAML tag '!!%s' does not fit a %s",
				    ps->file, ev->start_mark.line + 1, ev->start_mark.column + 1, type, what);
	}
	return mm_error_set(ps->err, MM_EINVAL,
			    "%s:%zu:%zu: YAML tag '%s%s' is not supported (only !!str, !!int, !!float, "
			    "!!bool, !!null, !!map and !!seq)",
			    ps->file, ev->start_mark.line + 1, ev->start_mark.column + 1, type ? "!!" : "",
			    type ? type : t);
}

static int parse_scalar(struct parse *ps, const yaml_event_t *ev, struct ynode **out)
{
	const char *value = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	struct ynode *n;

	/* An escaped "\0" would make the C string lie about the value. */
	if (memchr(value, '\0', len))
		return error_at(ps, &ev->start_mark, "NUL characters are not allowed");
	n = new_node(ps, YNODE_SCALAR, &ev->start_mark);
	if (!n || !(n->str = ytree_strndup(ps->t, value, len)))
		return oom(ps);
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	if (check_tag(ps, ev, ev->data.scalar.tag, &n->plain))
		return MM_EINVAL;
	*out = n;
	return add_anchor(ps, ev->data.scalar.anchor, n);
}

static int parse_sequence(struct parse *ps, const yaml_event_t *ev, unsigned depth,
			  struct ynode **out)
{
	struct ynode *n = new_node(ps, YNODE_SEQUENCE, &ev->start_mark);
	struct yitem **tail;

	if (!n)
		return oom(ps);
	if (check_tag(ps, ev, ev->data.sequence_start.tag, &n->plain))
		return MM_EINVAL;
	tail = &n->items;
	for (;;) {
		yaml_event_t child;
		struct ynode *c;
		struct yitem *it;
		int rc = next_event(ps, &child);

		if (rc)
			return rc;
		if (child.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&child);
			break;
		}
		rc = parse_node(ps, &child, depth + 1, &c);
		yaml_event_delete(&child);
		if (rc)
			return rc;
		if (!(it = ytree_alloc(ps->t, sizeof(*it))))
			return oom(ps);
		it->node = c;
		*tail = it;
		tail = &it->next;
		n->count++;
	}
	*out = n;
	return add_anchor(ps, ev->data.sequence_start.anchor, n);
}

static int parse_mapping(struct parse *ps, const yaml_event_t *ev, unsigned depth,
			 struct ynode **out)
{
	struct ynode *n = new_node(ps, YNODE_MAPPING, &ev->start_mark);
	struct ypair **tail;

	if (!n)
		return oom(ps);
	if (check_tag(ps, ev, ev->data.mapping_start.tag, &n->plain))
		return MM_EINVAL;
	tail = &n->pairs;
	for (;;) {
		yaml_event_t kev, vev;
		struct ynode *key, *value;
		struct ypair *p;
		int rc = next_event(ps, &kev);

		if (rc)
			return rc;
		if (kev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&kev);
			break;
		}
		rc = parse_node(ps, &kev, depth + 1, &key);
		yaml_event_delete(&kev);
		if (rc)
			return rc;
		/* Checked before the value is read, so the key is what gets blamed. */
		if (key->kind != YNODE_SCALAR)
			return ynode_error(ps->err, key, "mapping keys must be scalars");
		/* YAML 1.1's merge key (yaml.org/type/merge): not taken, so not mistaken for a key. */
		if (key->plain && strcmp(key->str, "<<") == 0)
			return ynode_error(ps->err, key, "YAML merge keys ('<<') are not supported: write the keys out");
		if (yindex_get(&ps->index, n, key->str))
			return ynode_error(ps->err, key, "duplicate key '%s'", key->str);
		if (yindex_put(&ps->index, n, key->str, key))
			return oom(ps);
		if ((rc = next_event(ps, &vev)))
			return rc;
		rc = parse_node(ps, &vev, depth + 1, &value);
		yaml_event_delete(&vev);
		if (rc)
			return rc;
		if (!(p = ytree_alloc(ps->t, sizeof(*p))))
			return oom(ps);
		p->key = key;
		p->value = value;
		*tail = p;
		tail = &p->next;
		n->count++;
	}
	*out = n;
	return add_anchor(ps, ev->data.mapping_start.anchor, n);
}

/* Builds the node that starts with `ev` (owned by the caller). */
static int parse_node(struct parse *ps, const yaml_event_t *ev, unsigned depth,
		      struct ynode **out)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return parse_scalar(ps, ev, out);
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (depth >= YTREE_MAX_DEPTH)
			return mm_error_set(ps->err, MM_EINVAL,
					    "%s:%zu:%zu: nesting deeper than %d levels", ps->file,
					    ev->start_mark.line + 1, ev->start_mark.column + 1,
					    YTREE_MAX_DEPTH);
		if (ev->type == YAML_SEQUENCE_START_EVENT)
			return parse_sequence(ps, ev, depth, out);
		return parse_mapping(ps, ev, depth, out);
	case YAML_ALIAS_EVENT:
		/* Anchors are registered once their node is complete: no cycles. */
		if ((*out = yindex_get(&ps->index, NULL, (const char *)ev->data.alias.anchor)) != NULL)
			return MM_OK;
		return mm_error_set(ps->err, MM_EINVAL, "%s:%zu:%zu: unknown alias '*%s'",
				    ps->file, ev->start_mark.line + 1, ev->start_mark.column + 1,
				    (const char *)ev->data.alias.anchor);
	default:
		return error_at(ps, &ev->start_mark, "unexpected YAML event");
	}
}

/* stream-start (document-start root document-end)? stream-end */
static int parse_stream(struct parse *ps, struct ynode **root)
{
	yaml_event_t ev;
	int rc;

	*root = NULL;
	if ((rc = next_event(ps, &ev)))             /* stream start */
		return rc;
	yaml_event_delete(&ev);
	if ((rc = next_event(ps, &ev)))             /* document start, or stream end */
		return rc;
	if (ev.type == YAML_STREAM_END_EVENT) {
		yaml_event_delete(&ev);
		return MM_OK;
	}
	yaml_event_delete(&ev);
	if ((rc = next_event(ps, &ev)))             /* the root node */
		return rc;
	rc = parse_node(ps, &ev, 0, root);
	yaml_event_delete(&ev);
	if (rc)
		return rc;
	if ((rc = next_event(ps, &ev)))             /* document end */
		return rc;
	yaml_event_delete(&ev);
	if ((rc = next_event(ps, &ev)))             /* stream end, or another document */
		return rc;
	if (ev.type != YAML_STREAM_END_EVENT)
		rc = error_at(ps, &ev.start_mark, "only one YAML document is allowed");
	yaml_event_delete(&ev);
	return rc;
}

int ytree_parse(struct ytree *t, const char *text, size_t len, const char *file,
		struct ynode **root, struct mm_error *err)
{
	struct parse ps = { .t = t, .text = text, .len = len, .err = err };
	int rc;

	*root = NULL;
	ps.file = ytree_strndup(t, file, strlen(file));
	if (!ps.file)
		return mm_error_set(err, MM_ENOMEM, "%s: out of memory", file);
	if (!yaml_parser_initialize(&ps.parser))
		return oom(&ps);
	yaml_parser_set_input_string(&ps.parser, (const unsigned char *)text, len);
	rc = parse_stream(&ps, root);
	yaml_parser_delete(&ps.parser);
	free(ps.index.slots);
	if (rc)
		*root = NULL;
	return rc;
}

/* ---- merging ---- */

/* A new mapping node with base's position and copies of its pair cells. */
static struct ynode *copy_mapping(struct ytree *t, const struct ynode *base)
{
	struct ynode *n = ytree_alloc(t, sizeof(*n));
	struct ypair **tail;

	if (!n)
		return NULL;
	*n = *base;
	n->pairs = NULL;
	tail = &n->pairs;
	for (const struct ypair *p = base->pairs; p; p = p->next) {
		struct ypair *c = ytree_alloc(t, sizeof(*c));

		if (!c)
			return NULL;
		c->key = p->key;
		c->value = p->value;
		*tail = c;
		tail = &c->next;
	}
	return n;
}

/*
 * Neither input is modified (an aliased node may be reachable twice): the
 * result is made of fresh mapping nodes wherever the two documents meet, and
 * of the original nodes everywhere else.
 */
static int merge(struct ytree *t, const struct ynode *base, const struct ynode *over,
		 struct ynode **out)
{
	struct ynode *n = copy_mapping(t, base);
	struct ypair **tail;

	if (!n)
		return MM_ENOMEM;
	for (tail = &n->pairs; *tail; tail = &(*tail)->next)
		;
	for (const struct ypair *op = over->pairs; op; op = op->next) {
		/* over's keys are unique: only base's can match (a preset's few, so this stays linear). */
		struct ypair *bp = n->pairs;
		size_t i = 0;

		while (i < base->count && strcmp(bp->key->str, op->key->str) != 0) {
			bp = bp->next;
			i++;
		}
		if (i == base->count)
			bp = NULL;
		if (bp && bp->value->kind == YNODE_MAPPING && op->value->kind == YNODE_MAPPING) {
			int rc = merge(t, bp->value, op->value, &bp->value);
			if (rc)
				return rc;
		} else if (bp) {
			bp->key = op->key;
			bp->value = op->value;
		} else {
			struct ypair *np = ytree_alloc(t, sizeof(*np));

			if (!np)
				return MM_ENOMEM;
			np->key = op->key;
			np->value = op->value;
			*tail = np;
			tail = &np->next;
			n->count++;
		}
	}
	*out = n;
	return MM_OK;
}

int ytree_merge(struct ytree *t, const struct ynode *base, const struct ynode *over,
		struct ynode **out, struct mm_error *err)
{
	if (merge(t, base, over, out))
		return mm_error_set(err, MM_ENOMEM, "%s: out of memory", over->file);
	return MM_OK;
}
