package dev.mondrian.functions.jobs;

import dev.mondrian.functions.events.EventPayload;
import dev.mondrian.functions.events.Journal;
import dev.mondrian.functions.http.ApiException;
import dev.mondrian.functions.http.Secrets;
import dev.mondrian.functions.uploads.ImageRepository;
import dev.mondrian.functions.uploads.StoredImage;
import java.util.List;
import org.springframework.stereotype.Service;

/** The client-side transitions of a job: create it, read it, list them, cancel it. */
@Service
public class JobService {
    static final int MAX_LIST = 500;

    private final JobRepository repository;
    private final JobRequestValidator validator;
    private final Journal journal;
    private final QueueSignal queue;
    private final ImageRepository images;
    private final JobMeters meters;
    private final List<CreationStep> steps;

    public JobService(JobRepository repository, JobRequestValidator validator, Journal journal, QueueSignal queue,
                ImageRepository images, JobMeters meters, List<CreationStep> steps) {
        this.repository = repository;
        this.images = images;
        this.validator = validator;
        this.journal = journal;
        this.queue = queue;
        this.meters = meters;
        this.steps = List.copyOf(steps);
    }

    /** A new job, belonging to the client key {@code owner} (null when client keys are off). */
    public JobView create(JobRequest request, String owner) {
        NewJob job = validator.validate(request);
        List<CreationStep.Write> extras = steps.stream().map(step -> step.check(request, owner)).toList();
        String id = Secrets.randomHex(16);
        JobView created = journal.run(tx -> {
            String imageId = null;
            if (job.image() != null) {
                imageId = Secrets.randomHex(16);
                images.insert(tx.handle(), imageId, job.image(), job.imageInfo(), job.imageKey(), tx.now());
            }
            repository.insertJob(tx.handle(), id, job, imageId, owner, tx.now());
            extras.forEach(extra -> extra.into(tx, id));
            tx.record(id, status(JobStatus.QUEUED, 0, "queued", "Waiting for a runner", 0));
            return JobView.of(repository.find(tx.handle(), id).orElseThrow());
        });
        queue.jobQueued();
        return created;
    }

    public JobView get(String id) {
        return JobView.of(require(id));
    }

    public Job require(String id) {
        return repository.find(id).orElseThrow(() -> ApiException.notFound("no job with id '" + id + "'"));
    }

    /** The job's image, for the runner that claimed it (runners never touch the database). */
    public StoredImage image(String id) {
        String imageId = require(id).imageId();
        if (imageId == null) {
            throw ApiException.notFound("job " + id + " has no image");
        }
        return images.find(imageId).orElseThrow(() -> ApiException.notFound("image of job " + id + " is gone"));
    }

    public List<JobView> list(Integer limit) {
        return repository.newestFirst(listLimit(limit)).stream().map(JobView::of).toList();
    }

    /** How many jobs a listing asks for: 1 to 500, 50 when it does not say; the admin's listing takes it too. */
    public static int listLimit(Integer limit) {
        int n = limit == null ? 50 : limit;
        if (n < 1 || n > MAX_LIST) {
            throw ApiException.badRequest("limit must be between 1 and " + MAX_LIST + ", got " + n);
        }
        return n;
    }

    /** Idempotent for a job already cancelled; a job that ended otherwise cannot be cancelled. */
    public JobView cancel(String id) {
        return journal.run(tx -> {
            Job job = repository.find(tx.handle(), id)
                    .orElseThrow(() -> ApiException.notFound("no job with id '" + id + "'"));
            if (job.status() == JobStatus.CANCELLED) {
                return JobView.of(job);
            }
            if (!repository.finish(tx.handle(), id, JobStatus.CANCELLED, null, "cancelled by the client", tx.now())) {
                throw ApiException.conflict("job already " + job.status().wire() + "; it cannot be cancelled");
            }
            tx.record(id, status(JobStatus.CANCELLED, 100, "cancelled", "Cancelled", job.attempts()),
                    new EventPayload.Done(JobStatus.CANCELLED.wire()));
            tx.afterCommit(() -> meters.finished(JobStatus.CANCELLED));
            return JobView.of(repository.find(tx.handle(), id).orElseThrow());
        });
    }

    public static EventPayload.StatusUpdate status(JobStatus status, int progress, String step, String thinking,
                                                   int attempt) {
        return new EventPayload.StatusUpdate(new EventPayload.JobData(status.wire(), progress, step, thinking, attempt));
    }

}
