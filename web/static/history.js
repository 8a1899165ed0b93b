// This browser's jobs, newest first, kept in localStorage: the job id is the only key to a job,
// so losing it would lose the critique.

const KEY = 'mondrian.jobs';
const LIMIT = 50;

export function loadHistory() {
  try {
    const jobs = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(jobs) ? jobs : [];
  } catch {
    return [];
  }
}

function save(jobs) {
  try {
    localStorage.setItem(KEY, JSON.stringify(jobs.slice(0, LIMIT)));
  } catch {
    // Storage full or disabled (private mode): the page works without history.
  }
}

/** Adds a job, or updates the fields of one already listed. */
export function remember(job) {
  const jobs = loadHistory();
  const index = jobs.findIndex((j) => j.id === job.id);
  if (index >= 0) {
    jobs[index] = { ...jobs[index], ...job };
  } else {
    jobs.unshift(job);
  }
  save(jobs);
}

export function forgetAll() {
  save([]);
}
