/* SPDX-License-Identifier: GPL-2.0 */
/* Host state as the result file's "host_state", and the items two files differ in. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hoststate.h"
#include "util.h"

/* Host state (probed in lib/hoststate.c) as the result file's "host_state". */
json_object *host_state_to_json(const struct host_state *s)
{
	json_object *o = json_object_new_object();

	for (unsigned i = 0; i < HS_NITEMS; i++) {
		const struct hs_item *it = &s->item[i];
		json_object *e = json_object_new_object();

		json_object_object_add(e, "value", json_object_new_string(it->value));
		json_object_object_add(e, "source", json_object_new_string(it->source));
		if (it->detail[0])
			json_object_object_add(e, "detail", json_object_new_string(it->detail));
		if (i == HS_MITIGATIONS && s->nvulns) {
			json_object *f = json_object_new_object();

			for (unsigned v = 0; v < s->nvulns; v++)
				json_object_object_add(f, s->vuln_name[v],
						       json_object_new_string(s->vuln_text[v]));
			json_object_object_add(e, "files", f);
		}
		json_object_object_add(o, host_state_name(i), e);
	}
	return o;
}

/* An item's value in a host_state object; "(absent)" where the file lacks it. */
static const char *item_value(json_object *hs, const char *name)
{
	json_object *e, *v;

	if (!json_object_object_get_ex(hs, name, &e))
		return "(absent)";
	if (json_object_is_type(e, json_type_object) && json_object_object_get_ex(e, "value", &v))
		e = v;
	return json_object_is_type(e, json_type_string) ? json_object_get_string(e) :
							    json_object_to_json_string(e);
}

struct diff_out {
	char *buf;
	size_t len, used;
	int n;
};

__attribute__((format(printf, 2, 3)))
static void diff_add(struct diff_out *d, const char *f, ...)
{
	static const char more[] = "...";
	char item[512];
	va_list ap;
	size_t n;

	va_start(ap, f);
	vsnprintf(item, sizeof(item), f, ap);
	va_end(ap);
	d->n++;
	if (!d->len || d->used >= d->len - 1)
		return;
	n = strlen(item) + (d->n > 1 ? 2 : 0);
	if (d->used + n < d->len) {
		snprintf(d->buf + d->used, d->len - d->used, "%s%s", d->n > 1 ? "; " : "", item);
		d->used += n;
	} else if (d->len > sizeof(more)) {
		size_t at = d->used + sizeof(more) < d->len ? d->used : d->len - sizeof(more);

		memcpy(d->buf + at, more, sizeof(more));
		d->used = d->len;
	}
}

static json_object *host_state_of(json_object *root)
{
	json_object *hs;

	if (root && json_object_object_get_ex(root, "host_state", &hs) &&
	    json_object_is_type(hs, json_type_object))
		return hs;
	return NULL;
}

int host_state_diff(json_object *a, json_object *b, char *buf, size_t len)
{
	json_object *ha = host_state_of(a), *hb = host_state_of(b);
	struct diff_out d = { buf, len, 0, 0 };

	if (len)
		buf[0] = '\0';
	if (!ha || !hb) {
		if (ha || hb)
			diff_add(&d, "host_state: not recorded in the %s file", ha ? "second" : "first");
		return d.n;
	}
	json_object_object_foreach(ha, key, va) {
		const char *x = item_value(ha, key), *y = item_value(hb, key);

		(void)va;
		if (strcmp(x, y))
			diff_add(&d, "%s: %s vs %s", key, x, y);
	}
	json_object_object_foreach(hb, key2, vb) {
		(void)vb;
		if (!json_object_object_get_ex(ha, key2, NULL))
			diff_add(&d, "%s: (absent) vs %s", key2, item_value(hb, key2));
	}
	return d.n;
}

json_object *host_state_json(const struct host_env *h)
{
	struct host_state *s = msb_calloc(1, sizeof(*s));
	json_object *o;

	host_state_probe(s, "/", h);
	o = host_state_to_json(s);
	free(s);
	return o;
}
