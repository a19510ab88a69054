/* SPDX-License-Identifier: GPL-2.0 */
/* Plain sample files: one value per line, or `VM VALUE`; per-VM groups. */
#include "samplefile.h"
#include "sample.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SEPS " \t\r\n\v\f"

static struct sample_vm *vm_get(struct sample_set *s, const char *name)
{
	for (size_t i = 0; i < s->nvm; i++)
		if (!strcmp(s->vm[i].name, name))
			return &s->vm[i];
	s->vm = msb_realloc(s->vm, s->nvm + 1, sizeof(*s->vm));

	struct sample_vm *g = &s->vm[s->nvm++];

	memset(g, 0, sizeof(*g));
	g->name = msb_strdup(name);
	return g;
}

static void vm_add(struct sample_vm *g, double value)
{
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 16;
		g->v = msb_realloc(g->v, g->cap, sizeof(*g->v));
	}
	g->v[g->n++] = value;
}

/* A time: a whole token that is a finite number > 0. */
static int parse_value(const char *tok, const char *name, size_t line, double *out, char *err,
		       size_t errlen)
{
	char *end;

	errno = 0;
	*out = strtod(tok, &end);
	if (end == tok || *end)
		return msb_fail(err, errlen, "%s:%zu: non-numeric value '%.40s'", name, line, tok);
	if (!isfinite(*out))
		return msb_fail(err, errlen, "%s:%zu: not a finite number: %.40s", name, line, tok);
	if (!(*out > 0))
		return msb_fail(err, errlen, "%s:%zu: time must be > 0, not %.40s", name, line, tok);
	return 0;
}

/* Split a data line into at most 3 tokens; returns how many (3 = too many). */
static unsigned split(char *line, char *tok[3])
{
	unsigned n = 0;
	char *save = NULL;

	for (char *t = strtok_r(line, SEPS, &save); t && n < 3; t = strtok_r(NULL, SEPS, &save))
		tok[n++] = t;
	return n;
}

/* One data line: 0, or -1 with the message. first_line: where the column count was set. */
static int parse_line(struct sample_set *s, char *buf, const char *name, size_t line,
		      size_t *first_line, char *err, size_t errlen)
{
	char *tok[3];
	unsigned n = split(buf, tok);
	double value;

	if (n == 0 || tok[0][0] == '#')
		return 0; /* blank or comment */
	if (n > 2)
		return msb_fail(err, errlen, "%s:%zu: %s columns; expected VALUE or VM VALUE",
				name, line, "3 or more");
	if (!s->columns) {
		s->columns = n;
		*first_line = line;
	} else if (n != s->columns) {
		return msb_fail(err, errlen, "%s:%zu: %u column%s, but line %zu has %u", name, line,
				n, n == 1 ? "" : "s", *first_line, s->columns);
	}
	if (parse_value(tok[n - 1], name, line, &value, err, errlen) < 0)
		return -1;
	vm_add(vm_get(s, n == 2 ? tok[0] : name), value);
	s->nsamples++;
	return 0;
}

int samplefile_parse(FILE *f, const char *name, struct sample_set *out, char *err,
		     size_t errlen)
{
	char *buf = NULL;
	size_t cap = 0, line = 0, first_line = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->path = msb_strdup(name);
	while (rc == 0 && getline(&buf, &cap, f) >= 0)
		rc = parse_line(out, buf, name, ++line, &first_line, err, errlen);
	free(buf);
	if (rc == 0 && ferror(f))
		rc = msb_fail(err, errlen, "%s:%zu: read error", name, line);
	if (rc == 0 && !out->nsamples)
		rc = msb_fail(err, errlen, "%s: no numbers (%zu line%s, all blank or comments)",
			      name, line, line == 1 ? "" : "s");
	if (rc < 0)
		samplefile_free(out);
	return rc;
}

int samplefile_read(const char *path, struct sample_set *out, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");

	memset(out, 0, sizeof(*out));
	if (!f)
		return msb_fail(err, errlen, "%s: %s", path, strerror(errno));

	int rc = samplefile_parse(f, path, out, err, errlen);

	fclose(f);
	return rc;
}

void samplefile_free(struct sample_set *s)
{
	for (size_t i = 0; i < s->nvm; i++) {
		free(s->vm[i].name);
		free(s->vm[i].v);
	}
	free(s->vm);
	free(s->path);
	memset(s, 0, sizeof(*s));
}

double *samplefile_vm_medians(const struct sample_set *s)
{
	double *m = msb_calloc(s->nvm ? s->nvm : 1, sizeof(*m));

	for (size_t i = 0; i < s->nvm; i++) {
		struct summary sum;

		m[i] = summarize(s->vm[i].v, s->vm[i].n, &sum) == 0 ? sum.median : NAN;
	}
	return m;
}

double *samplefile_all(const struct sample_set *s)
{
	double *v = msb_calloc(s->nsamples ? s->nsamples : 1, sizeof(*v));
	size_t k = 0;

	for (size_t i = 0; i < s->nvm; i++) {
		memcpy(v + k, s->vm[i].v, s->vm[i].n * sizeof(*v));
		k += s->vm[i].n;
	}
	return v;
}

int samplefile_verdict(const struct sample_set *base, const struct sample_set *new_,
		       const struct verdict_opts *opts, struct verdict *out)
{
	const struct sample_set *set[2] = { base, new_ };
	bool pooled = opts && opts->pooled;
	double *v[2];
	size_t n[2];

	for (int s = 0; s < 2; s++) {
		v[s] = pooled ? samplefile_all(set[s]) : samplefile_vm_medians(set[s]);
		n[s] = pooled ? set[s]->nsamples : set[s]->nvm;
	}

	int rc = verdict_compare(v[0], n[0], v[1], n[1], opts, out);

	for (int s = 0; s < 2 && !pooled; s++) {
		size_t lo = (size_t)-1, hi = 0;

		for (size_t i = 0; i < set[s]->nvm; i++) {
			lo = set[s]->vm[i].n < lo ? set[s]->vm[i].n : lo;
			hi = set[s]->vm[i].n > hi ? set[s]->vm[i].n : hi;
		}
		verdict_set_samples(out, s, set[s]->nsamples, set[s]->nvm ? lo : 0, hi);
	}
	free(v[0]);
	free(v[1]);
	return rc;
}
