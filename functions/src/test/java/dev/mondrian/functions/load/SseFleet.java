package dev.mondrian.functions.load;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;

/**
 * Thousands of SSE clients on one selector thread, so that the load harness spends its share of the cores on
 * reading events rather than on an HTTP client's machinery (the JDK's took more CPU than the service under test).
 * Each client asks with HTTP/1.0, so the stream comes unchunked until the service closes it; a stream that ends
 * before its job's {@code done} is asked for again after the last id seen ({@code Last-Event-ID}), as a browser does.
 */
final class SseFleet implements AutoCloseable {
    /** What a client hears: true when the event ends its stream (the job's {@code done}). */
    interface Listener {
        boolean event(String data, long id, long lastId);

        /** A stream began (its response's head has come). */
        void opened();

        /** A stream ended, early or after {@code done}. */
        void closed();

        /** A stream that ended early, before it is asked for again. */
        void resumed();
    }

    /** What the service's {@code retry:} field tells a browser to wait before asking again; WebSocket clients too. */
    static final long RESUME_MS = 2000;

    private final InetSocketAddress address;
    private final Listener listener;
    private final Selector selector;
    private final Queue<Client> toOpen = new ConcurrentLinkedQueue<>();
    private final DelayQueue<Retry> retries = new DelayQueue<>();
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024);
    private final Thread loop;
    private volatile boolean closed;
    private volatile long giveUpNanos = Long.MAX_VALUE;

    SseFleet(InetSocketAddress address, Listener listener) throws IOException {
        this.address = address;
        this.listener = listener;
        this.selector = Selector.open();
        this.loop = Thread.ofPlatform().name("sse-fleet").daemon().start(this::run);
    }

    /** A client of {@code path}; {@code opened} counts down once its first response has begun. */
    void open(String path, CountDownLatch opened) {
        toOpen.add(new Client(path, opened));
        selector.wakeup();
    }

    /** After this, a stream that ends early is not asked for again. */
    void giveUpAt(long nanos) {
        giveUpNanos = nanos;
    }

    private void run() {
        try {
            while (!closed) {
                selector.select(50);
                for (Client client; (client = toOpen.poll()) != null; ) {
                    connect(client);
                }
                for (Retry retry; (retry = retries.poll()) != null; ) {
                    connect(retry.client);
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    Client client = (Client) key.attachment();
                    try {
                        if (key.isConnectable()) {
                            client.channel.finishConnect();
                            client.channel.write(ByteBuffer.wrap(client.request()));
                            key.interestOps(SelectionKey.OP_READ);
                        } else if (key.isReadable()) {
                            read(key, client);
                        }
                    } catch (IOException e) {
                        ended(key, client);
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void connect(Client client) throws IOException {
        SocketChannel channel = SocketChannel.open();
        channel.configureBlocking(false);
        client.reset(channel);
        channel.connect(address);
        channel.register(selector, SelectionKey.OP_CONNECT, client);
    }

    private void read(SelectionKey key, Client client) throws IOException {
        buffer.clear();
        int n = client.channel.read(buffer);
        if (n < 0) {
            ended(key, client);
            return;
        }
        buffer.flip();
        while (buffer.hasRemaining()) {
            byte b = buffer.get();
            if (b != '\n') {
                client.line.write(b);
                continue;
            }
            String line = client.line.toString(StandardCharsets.UTF_8);
            client.line.reset();
            if (!client.inBody) {
                if (client.statusLine && !line.startsWith("HTTP/1.1 200") && !line.startsWith("HTTP/1.0 200")) {
                    throw new IOException("refused: " + line);
                }
                client.statusLine = false;
                if (line.isBlank()) {
                    client.inBody = true;
                    listener.opened();
                    if (client.opened != null) {
                        client.opened.countDown();
                        client.opened = null;
                    }
                }
            } else if (line.startsWith("id: ")) {
                client.id = Long.parseLong(line.substring(4).strip());
            } else if (line.startsWith("data: ")) {
                boolean done = listener.event(line, client.id, client.last);
                client.last = Math.max(client.last, client.id);
                if (done) {
                    client.done = true;
                    key.cancel();
                    client.channel.close();
                    listener.closed();
                    return;
                }
            }
        }
    }

    /** The stream ended (or never began) before {@code done}: asked for again shortly, unless the run is over. */
    private void ended(SelectionKey key, Client client) throws IOException {
        key.cancel();
        client.channel.close();
        if (client.inBody) {
            listener.closed();
        }
        if (client.done || closed || System.nanoTime() >= giveUpNanos) {
            if (client.opened != null) {
                client.opened.countDown();
            }
            return;
        }
        listener.resumed();
        retries.add(new Retry(client, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RESUME_MS)));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        closed = true;
        selector.wakeup();
        loop.join();
        for (SelectionKey key : selector.keys()) {
            key.channel().close();
        }
        selector.close();
    }

    private final class Client {
        final String path;
        CountDownLatch opened;
        SocketChannel channel;
        final ByteArrayOutputStream line = new ByteArrayOutputStream(512);
        boolean statusLine;
        boolean inBody;
        boolean done;
        long id;
        long last;

        Client(String path, CountDownLatch opened) {
            this.path = path;
            this.opened = opened;
        }

        void reset(SocketChannel channel) {
            this.channel = channel;
            line.reset();
            statusLine = true;
            inBody = false;
        }

        byte[] request() {
            return ("GET " + path + " HTTP/1.0\r\nHost: " + address.getHostString() + ":" + address.getPort()
                    + "\r\nAccept: text/event-stream\r\n" + (last > 0 ? "Last-Event-ID: " + last + "\r\n" : "") + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
        }
    }

    private record Retry(Client client, long atNanos) implements Delayed {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(atNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(atNanos, ((Retry) other).atNanos);
        }
    }
}
