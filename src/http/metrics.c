/*
 * metrics.c: request counts by route and status and a latency histogram
 * by route, rendered in the Prometheus text format for GET /metrics,
 * followed by the families of the sources other modules add (the
 * outbox's message counts).
 *
 * Labels are route names from the route tables (a fixed, small set) and
 * status codes, never anything a client sent, so the series stay few
 * and no request content can leak into them. Should the tables ever hold
 * more than METRIC_ROUTES names, the rest count under "other".
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "http/http.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define METRIC_ROUTES	256
#define METRIC_STATUSES	16
#define NBUCKETS	8

static const double bounds[NBUCKETS] = { .001, .005, .01, .05, .1, .5, 1,
	5 };
static const char *const bound_labels[NBUCKETS] = { "0.001", "0.005",
	"0.01", "0.05", "0.1", "0.5", "1", "5" };

struct route_metrics {
	char		*name;
	uint64_t	 buckets[NBUCKETS];	/* not cumulative */
	uint64_t	 count;
	double		 sum;
	int		 status[METRIC_STATUSES];
	uint64_t	 by_status[METRIC_STATUSES];
	size_t		 nstatus;
	uint64_t	 other_status;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct route_metrics routes[METRIC_ROUTES];
static size_t nroutes;
static int (*sources[METRIC_SOURCES])(struct buf *);
static size_t nsources;

int
metrics_add_source(int (*render)(struct buf *out))
{
	pthread_mutex_lock(&mu);
	if (nsources == METRIC_SOURCES) {
		pthread_mutex_unlock(&mu);
		return -1;
	}
	sources[nsources++] = render;
	pthread_mutex_unlock(&mu);
	return 0;
}

static struct route_metrics *
find(const char *name)
{
	size_t i;

	for (i = 0; i < nroutes; i++)
		if (strcmp(routes[i].name, name) == 0)
			return &routes[i];
	if (nroutes >= METRIC_ROUTES - 1 && strcmp(name, "other") != 0)
		return find("other");
	routes[nroutes].name = xstrdup(name);
	return &routes[nroutes++];
}

void
metrics_observe(const char *route, int status, double seconds)
{
	struct route_metrics *m;
	size_t i;

	if (route == NULL)
		route = "unmatched";
	if (seconds < 0)
		seconds = 0;
	pthread_mutex_lock(&mu);
	m = find(route);
	for (i = 0; i < NBUCKETS; i++)
		if (seconds <= bounds[i]) {
			m->buckets[i]++;
			break;
		}
	m->count++;
	m->sum += seconds;
	for (i = 0; i < m->nstatus; i++)
		if (m->status[i] == status)
			break;
	if (i == m->nstatus && m->nstatus < METRIC_STATUSES) {
		m->status[i] = status;
		m->by_status[i] = 0;
		m->nstatus++;
	}
	if (i < m->nstatus)
		m->by_status[i]++;
	else
		m->other_status++;
	pthread_mutex_unlock(&mu);
}

/* A label value: backslash, double quote and newline escaped. */
static void
label(struct buf *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			buf_addch(out, '\\');
		if (*s == '\n')
			buf_adds(out, "\\n");
		else
			buf_addch(out, *s);
	}
}

int
metrics_render(struct buf *out)
{
	struct route_metrics *m;
	uint64_t cum;
	size_t i, k;

	pthread_mutex_lock(&mu);
	buf_adds(out, "# HELP lookout_http_requests_total HTTP requests "
	    "answered, by route and status.\n"
	    "# TYPE lookout_http_requests_total counter\n");
	for (i = 0; i < nroutes; i++) {
		m = &routes[i];
		for (k = 0; k < m->nstatus; k++) {
			buf_adds(out, "lookout_http_requests_total{route=\"");
			label(out, m->name);
			buf_printf(out, "\",status=\"%d\"} %llu\n",
			    m->status[k], (unsigned long long)m->by_status[k]);
		}
		if (m->other_status) {
			buf_adds(out, "lookout_http_requests_total{route=\"");
			label(out, m->name);
			buf_printf(out, "\",status=\"other\"} %llu\n",
			    (unsigned long long)m->other_status);
		}
	}
	buf_adds(out, "# HELP lookout_http_request_duration_seconds Time "
	    "from request to response, by route.\n"
	    "# TYPE lookout_http_request_duration_seconds histogram\n");
	for (i = 0; i < nroutes; i++) {
		m = &routes[i];
		cum = 0;
		for (k = 0; k < NBUCKETS; k++) {
			cum += m->buckets[k];
			buf_adds(out, "lookout_http_request_duration_seconds_"
			    "bucket{route=\"");
			label(out, m->name);
			buf_printf(out, "\",le=\"%s\"} %llu\n",
			    bound_labels[k], (unsigned long long)cum);
		}
		buf_adds(out, "lookout_http_request_duration_seconds_bucket"
		    "{route=\"");
		label(out, m->name);
		buf_printf(out, "\",le=\"+Inf\"} %llu\n",
		    (unsigned long long)m->count);
		buf_adds(out, "lookout_http_request_duration_seconds_sum"
		    "{route=\"");
		label(out, m->name);
		buf_printf(out, "\"} %.6f\n", m->sum);
		buf_adds(out, "lookout_http_request_duration_seconds_count"
		    "{route=\"");
		label(out, m->name);
		buf_printf(out, "\"} %llu\n", (unsigned long long)m->count);
	}
	for (i = 0; i < nsources; i++)
		if (sources[i](out) == -1)
			break;
	pthread_mutex_unlock(&mu);
	return out->overflow ? -1 : 0;
}
