import { setFlagsFromString } from 'node:v8';

// Imported first by main.ts, so it holds before the service builds its heap.
//
// An upload arrives as socket chunks held outside V8's heap. By default V8 sets their limit apart from the
// heap's and starts a full mark of the heap (~40 MB: schema, ORM metadata, code) each time that limit is
// crossed, every ~20 MB uploaded: 10-13 incremental mark-compacts per 256 MiB against 3 in a bare busboy
// sink. Counted in the heap's own limit instead, the chunks are reclaimed by young-generation collections
// and the heap is marked 3-5 times (figures in the commit that added this).
setFlagsFromString('--external-memory-accounted-in-global-limit');
