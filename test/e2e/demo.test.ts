// `glowmq demo` (what `npm start` runs): the embedded aedes broker, the device on the
// simulated board, the seed's publisher and phone, every line labelled; --count N ends
// with exit 0; a taken port moves the broker to a free one and says so.
import { expect, it, describe, afterAll } from 'vitest';
import net from 'node:net';
import { glowmq } from './cli-process';

describe('glowmq demo', () => {
  const servers: net.Server[] = [];
  afterAll(() => { for (const s of servers) s.close(); });

  it('--count 3 runs the seed scenario and exits 0', async () => {
    const d = glowmq(['demo', '--count', '3', '--interval', '0.2', '--port', '0', '--web-port', '0']);
    expect(await d.exited).toBe(0);
    const lines = d.stdout().trim().split('\n');
    expect(d.stderr()).toBe('');
    // Every line is labelled with its role, but the phone page's address, alone on its line.
    for (const l of lines) expect(l).toMatch(/^(\[(demo|broker|device|publisher|phone)\] +\S|http:\/\/127\.0\.0\.1:\d+\/$)/);
    expect(lines.filter((l) => l.startsWith('http://'))).toHaveLength(1);
    const of = (role: string) => lines.filter((l) => l.startsWith(`[${role}]`)).map((l) => l.replace(/^\[\w+\] +/, ''));
    expect(of('broker')[0]).toMatch(/^aedes listening on mqtt:\/\/127\.0\.0\.1:\d+, account admin \/ password$/);
    expect(of('publisher')).toEqual([
      '消息发布!----我是一个发布者:正在给设备和传感器发布主题-----',
      '已发送1条消息  (lightChange "现在天黑了", QoS 1)',
      '已发送2条消息  (lightChange "现在天亮了", QoS 1)',
      '已发送3条消息  (lightChange "现在天黑了", QoS 1)',
    ]);
    expect(of('device').filter((l) => l.startsWith('LED'))).toEqual([
      'LED ● ON  <- lightChange "现在天黑了"', 'LED ○ off <- lightChange "现在天亮了"', 'LED ● ON  <- lightChange "现在天黑了"',
    ]);
    const phone = of('phone');
    expect(phone.slice(0, 2)).toEqual(['手机启动----我是一个订阅者:需要消费主题-----', 'Connected with result code0']);
    expect(phone.filter((l) => l.startsWith('lightChange'))).toEqual([
      'lightChange现在天黑了,回调消息:收到收到!我已经接收到发布者的消息并给用户反馈手电筒已经打开',
      'lightChange现在天亮了,回调消息:收到收到!我已经接收到发布者的消息并给用户反馈手电筒已经打开',
      'lightChange现在天黑了,回调消息:收到收到!我已经接收到发布者的消息并给用户反馈手电筒已经打开',
    ]);
    const readings = phone.filter((l) => l.startsWith('temperature '));
    expect(readings.length).toBeGreaterThan(0);
    for (const r of readings) {
      const m = /^temperature (\d+(?:\.\d)?) °C {2}\(seq (\d+)\)$/.exec(r);
      expect(m, r).not.toBeNull();
      expect(Number(m![1])).toBeGreaterThanOrEqual(18);
      expect(Number(m![1])).toBeLessThanOrEqual(28);
    }
    expect(lines.at(-1)).toBe('[demo]      done: 3 commands sent, the LED followed 3, the phone saw 3; LED is on');
  }, 90_000);

  it('moves to a free port when the one asked for is taken, and says so', async () => {
    const s = net.createServer();
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    const taken = (s.address() as net.AddressInfo).port;
    const d = glowmq(['demo', '--count', '1', '--interval', '0.1', '--port', String(taken), '--web-port', String(taken)]);
    expect(await d.exited).toBe(0);
    const m = /\[broker\] +aedes listening on mqtt:\/\/127\.0\.0\.1:(\d+) \(port (\d+) was taken\)/.exec(d.stdout());
    expect(m, d.stdout()).not.toBeNull();
    expect(Number(m![2])).toBe(taken);
    expect(Number(m![1])).not.toBe(taken);
    // The phone page moves too, and says so.
    expect(d.stdout()).toContain(`the phone page (port ${taken} was taken)`);
    expect(d.stdout()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/m);
    expect(d.stdout()).not.toContain(`http://127.0.0.1:${taken}/`);
  }, 90_000);
});
