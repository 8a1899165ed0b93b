package dev.mondrian.functions.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ChangedJobsTest {
    @Test
    void aJobChangedOftenIsReadOnceAndNothingChangedTimesOutEmpty() throws Exception {
        ChangedJobs changes = new ChangedJobs(10);
        changes.changed("a");
        changes.changed("b");
        changes.changed("a");
        ChangedJobs.Batch batch = changes.take(1000);
        assertThat(batch.resync()).isFalse();
        assertThat(batch.jobIds()).containsExactly("a", "b");
        long start = System.nanoTime();
        assertThat(changes.take(50).isEmpty()).isTrue();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(40_000_000L);
    }

    @Test
    void tooManyJobsAtOnceBecomeOneResyncInsteadOfAnUnboundedSet() throws Exception {
        ChangedJobs changes = new ChangedJobs(3);
        for (int i = 0; i < 1000; i++) {
            changes.changed("job-" + i);
        }
        ChangedJobs.Batch batch = changes.take(0);
        assertThat(batch.resync()).isTrue();
        assertThat(batch.jobIds()).isEmpty();
        changes.changed("later");
        assertThat(changes.take(0)).isEqualTo(new ChangedJobs.Batch(false, Set.of("later")));
    }

    @Test
    void aWaitingTakeWakesAsSoonAsAJobChanges() throws Exception {
        ChangedJobs changes = new ChangedJobs(10);
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            changes.changed("woken");
        });
        long start = System.nanoTime();
        assertThat(changes.take(10_000).jobIds()).containsExactly("woken");
        assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
    }
}
