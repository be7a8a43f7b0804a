/**
 * examples/chat-redis.ts as it is meant to run: three server processes
 * sharing one room through a real redis-server of their own, members on
 * each, connected with Sluice's own `connect` and `lines()`. Every member
 * hears every other member's messages exactly once, in order per sender,
 * and never its own; then one server is stopped with SIGTERM while its
 * members are connected (a rolling restart): they are told to reconnect and
 * their connections end, it exits 0 with its one-line report, and the room
 * carries on on the other two. Last, a fourth server with a short
 * SHUTDOWN_TIMEOUT cuts a member that never closes its side, and exits even
 * though Redis has stopped answering. Everything waits on lines and exits, each
 * wait bounded; nothing assumes how different senders' messages interleave.
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createClient } from 'redis';
import { type Connection, connect, type Framed, lines } from 'sluice';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { within } from '../../../test-support/waits.js';
import { type Child, describeExit, runTs } from './support/child.js';
import { REDIS_MISSING, type Redis, startRedis } from './support/redis.js';

/** Generous bounds: three tsx processes and a redis-server on two shared, busy cores. */
const TIMEOUT = 90_000;
const WAIT = 30_000;
const SERVERS = 3;
const MEMBERS_PER_SERVER = 3;
const MESSAGES = 20;
const RESTART_NOTICE = '* server restarting, please reconnect';

const installed = (process.env.PATH ?? '')
  .split(delimiter)
  .some((dir) => dir !== '' && existsSync(join(dir, 'redis-server')));
const skip = !installed && process.env.SLUICE_SKIP_REDIS === '1';

/** A chat member: every line it hears, and waits on what it has heard so far. */
class Member {
  readonly heard: string[] = [];
  ended = false;
  /** Why reading failed, if it did (a reset, rather than a clean end). */
  error: unknown;
  readonly #waiters = new Set<() => void>();
  readonly reading: Promise<void>;

  private constructor(
    readonly name: string,
    readonly io: Framed<string>,
    readonly conn: Connection,
    closeOnEnd: boolean,
  ) {
    this.reading = (async () => {
      try {
        for await (const line of io) {
          this.heard.push(line);
          this.#notify();
        }
      } catch (error) {
        this.error = error;
      } finally {
        // The server has ended its side: end ours (a loop that runs to its end does not close).
        if (closeOnEnd) await conn.close().catch(() => {});
        this.ended = true;
        this.#notify();
      }
    })();
  }

  /**
   * Connects to the server on `port` and says its name; resolves once the server has greeted it as a
   * member. With `closeOnEnd: false`, it never ends its side of the connection.
   */
  static async join(port: number, name: string, { closeOnEnd = true } = {}): Promise<Member> {
    const conn = await connect({ host: '127.0.0.1', port, timeout: WAIT });
    const member = new Member(name, conn.framed(lines()), conn, closeOnEnd);
    await member.io.write(name);
    await member.until(() => member.heard.some((line) => line.startsWith(`* hello ${name},`)), 'its greeting');
    return member;
  }

  say(text: string): Promise<void> {
    return this.io.write(text);
  }

  /** The chat messages heard (`<name> text`), as [sender, text]. */
  messages(): [string, string][] {
    return this.heard.flatMap((line) => {
      const match = /^<([^>]*)> (.*)$/.exec(line);
      return match === null ? [] : [[match[1] as string, match[2] as string]];
    });
  }

  /** Resolves once `test()` holds; fails if the connection ends first, or after `ms`. */
  until(test: () => boolean, what: string, ms = WAIT): Promise<void> {
    const done = new Promise<void>((resolve, reject) => {
      const check = () => {
        if (test()) {
          this.#waiters.delete(check);
          resolve();
        } else if (this.ended) {
          this.#waiters.delete(check);
          reject(new Error(`${this.name}: the connection ended (${String(this.error ?? 'cleanly')}) before ${what}`));
        }
      };
      this.#waiters.add(check);
      check();
    });
    return within(done, ms, `${this.name}: ${what}; heard so far:\n${this.heard.join('\n')}\n`);
  }

  #notify(): void {
    for (const check of [...this.#waiters]) check();
  }
}

describe.skipIf(skip)(
  `examples/chat-redis.ts: one room across three servers${skip ? ' (skipped: SLUICE_SKIP_REDIS=1 and no redis-server installed)' : ''}`,
  () => {
    let redis: Redis | undefined;
    /** The three servers of the room. */
    const servers: { child: Child; port: number }[] = [];
    /** Every process started, killed in afterAll if still running. */
    const children: Child[] = [];
    const members: Member[] = [];

    /** Starts one chat-redis process and waits for the port it prints. */
    const startServer = async (redisPort: number, shutdownTimeout = 10_000) => {
      const child = runTs('examples/chat-redis.ts', {
        env: {
          PORT: '0',
          REDIS_URL: `redis://127.0.0.1:${redisPort}`,
          ROOM: 'sluice:test-room',
          SHUTDOWN_TIMEOUT: String(shutdownTimeout),
        },
        timeout: 5 * TIMEOUT,
      });
      children.push(child);
      const [, port] = await child.waitFor(/chat-redis listening on 127\.0\.0\.1:(\d+)/);
      return { child, port: Number(port) };
    };

    beforeAll(async () => {
      redis = await startRedis(WAIT).catch((error: Error) => {
        throw error.message === REDIS_MISSING
          ? new Error(
              'redis-server is not installed, so examples/chat-redis.ts cannot be tested. Install it ' +
                '(bash scripts/setup.sh does) or set SLUICE_SKIP_REDIS=1 to skip this test.',
            )
          : error;
      });
      const port = redis.port;
      servers.push(...(await Promise.all(Array.from({ length: SERVERS }, () => startServer(port)))));
    }, TIMEOUT);

    afterAll(async () => {
      for (const member of members) member.conn.destroy();
      await Promise.all(
        children.map(async (child) => {
          if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
          await child.exited.catch(() => {});
        }),
      );
      await redis?.stop();
    }, TIMEOUT);

    /** Joins `count` members to every server, all at once, named `<prefix><server><letter>`. */
    const joinEverywhere = (prefix: string, count: number) =>
      Promise.all(
        servers.flatMap(({ port }, s) =>
          Array.from({ length: count }, async (_, m) => {
            const member = await Member.join(port, `${prefix}${s}${String.fromCharCode(97 + m)}`);
            members.push(member);
            return member;
          }),
        ),
      );

    it('every member hears every other member exactly once, in order per sender, and never itself', {
      timeout: TIMEOUT,
    }, async () => {
      // Everyone has joined (is greeted) before anyone speaks, so everyone is there to hear everything.
      const room = await joinEverywhere('m', MEMBERS_PER_SERVER);
      await Promise.all(
        room.map(async (member) => {
          for (let i = 0; i < MESSAGES; i++) await member.say(`${member.name} #${i}`);
        }),
      );
      const others = room.length - 1;
      await Promise.all(
        room.map((member) =>
          member.until(() => member.messages().length >= others * MESSAGES, `${others * MESSAGES} messages`),
        ),
      );
      for (const member of room) {
        const bySender = new Map<string, number[]>();
        for (const [sender, text] of member.messages()) {
          const [from, index] = text.split(' #');
          expect(from, `${member.name} heard "${text}" from ${sender}`).toBe(sender);
          bySender.set(sender, [...(bySender.get(sender) ?? []), Number(index)]);
        }
        expect(bySender.has(member.name), `${member.name} heard itself`).toBe(false);
        expect([...bySender.keys()].sort()).toEqual(
          room
            .map((m) => m.name)
            .filter((name) => name !== member.name)
            .sort(),
        );
        const inOrder = Array.from({ length: MESSAGES }, (_, i) => i);
        for (const [sender, indexes] of bySender) expect(indexes, `${member.name} heard ${sender}`).toEqual(inOrder);
      }
      // And nothing more arrives later: Redis forwards in one order, so once everyone has heard a
      // last message published after all of those, everything published before it has been delivered.
      const [fence, ...rest] = room as [Member, ...Member[]];
      await fence.say('fence #end');
      await Promise.all(
        rest.map((member) => member.until(() => member.heard.includes(`<${fence.name}> fence #end`), 'the fence')),
      );
      for (const member of room)
        expect(member.messages(), member.name).toHaveLength(others * MESSAGES + (member === fence ? 0 : 1));
      await Promise.all(
        room.map(async (member) => {
          await member.say('/quit');
          await member.until(() => member.ended, 'the end of the connection after /quit');
          expect(member.error, member.name).toBeUndefined();
        }),
      );
    });

    it('SIGTERM restarts one server: its members are told to reconnect, the room carries on', {
      timeout: TIMEOUT,
    }, async () => {
      const room = await joinEverywhere('r', 2);
      const [stopping, ...staying] = servers as [(typeof servers)[0], ...typeof servers];
      const leaving = room.filter((member) => member.name.startsWith('r0'));
      const remaining = room.filter((member) => !leaving.includes(member));

      stopping.child.process.kill('SIGTERM');
      await Promise.all(
        leaving.map((member) => member.until(() => member.ended, 'the end of the connection after SIGTERM')),
      );
      for (const member of leaving) {
        expect(member.heard.at(-1), member.name).toBe(RESTART_NOTICE);
        expect(member.error, `${member.name}: a clean end, not a reset`).toBeUndefined();
      }
      const exit = await within(stopping.child.exited, WAIT, 'the stopped server exiting');
      expect(exit.code, describeExit('chat-redis.ts', exit)).toBe(0);
      const reports = exit.stdout.split('\n').filter((line) => line.startsWith('shutdown:'));
      expect(reports, exit.stdout).toHaveLength(1);
      // Served counts the connections of the first test too; none failed or were cut.
      expect(reports[0]).toMatch(
        /^shutdown: \d+ connections? ended cleanly, 0 failed, 0 cut after 10000 ms \(2 open at SIGTERM, drained in \d+ ms\)$/,
      );

      // The others heard them leave, and they reconnect to the servers still running.
      for (const member of remaining)
        await member.until(
          () => leaving.every((gone) => member.heard.includes(`* ${gone.name} left`)),
          'the members of the stopped server leaving',
        );
      const back = await Promise.all(
        leaving.map((member, i) => Member.join((staying[i % staying.length] as (typeof servers)[0]).port, member.name)),
      );
      members.push(...back);
      const now = [...remaining, ...back];
      await Promise.all(now.map((member) => member.say(`${member.name} #after`)));
      await Promise.all(
        now.map((member) =>
          member.until(
            () => member.messages().filter(([, text]) => text.endsWith(' #after')).length >= now.length - 1,
            'every message sent after the restart',
          ),
        ),
      );
      for (const member of now) {
        const after = member.messages().filter(([, text]) => text.endsWith(' #after'));
        expect(after.map(([sender]) => sender).sort(), member.name).toEqual(
          now
            .map((m) => m.name)
            .filter((name) => name !== member.name)
            .sort(),
        );
      }
    });

    it('a member that never finishes is cut at SHUTDOWN_TIMEOUT, and a stalled Redis does not hold up the exit', {
      timeout: TIMEOUT,
    }, async () => {
      const server = await startServer((redis as Redis).port, 1000);
      const stubborn = await Member.join(server.port, 'stubborn', { closeOnEnd: false });
      members.push(stubborn);
      // Redis stops answering writes (PUBLISH among them) for longer than the whole shutdown takes.
      const admin = createClient({ url: `redis://127.0.0.1:${(redis as Redis).port}` });
      await admin.connect();
      try {
        await admin.sendCommand(['CLIENT', 'PAUSE', String(WAIT), 'WRITE']);
        await stubborn.say('this waits for Redis');
        server.child.process.kill('SIGTERM');
        await stubborn.until(() => stubborn.heard.includes(RESTART_NOTICE), 'the restart notice');
        const exit = await within(server.child.exited, WAIT, 'the server exiting');
        expect(exit.code, describeExit('chat-redis.ts', exit)).toBe(0);
        expect(exit.stdout).toMatch(
          /^shutdown: 0 connections ended cleanly, 0 failed, 1 cut after 1000 ms \(1 open at SIGTERM, drained in \d+ ms\)$/m,
        );
        await stubborn.until(() => stubborn.ended, 'the end of the cut connection');
      } finally {
        await admin.sendCommand(['CLIENT', 'UNPAUSE']);
        await admin.close();
      }
    });
  },
);
