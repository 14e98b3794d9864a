import { loadQueueConfig } from './queue-config';

describe('loadQueueConfig', () => {
  it('defaults to a 45 s heartbeat timeout (detection within a minute with the 5 s reaper), heartbeats every 15 s (a third of it) and a reaper every 5 s', () => {
    expect(loadQueueConfig({})).toEqual({ heartbeatTimeoutSeconds: 45, heartbeatIntervalSeconds: 15, reaperIntervalSeconds: 5 });
  });

  it('derives the interval and reaper period from a shorter timeout unless they are set', () => {
    expect(loadQueueConfig({ DEFECTLAB_RUN_HEARTBEAT_TIMEOUT_S: '4' })).toEqual({ heartbeatTimeoutSeconds: 4, heartbeatIntervalSeconds: 4 / 3, reaperIntervalSeconds: 1 });
    expect(loadQueueConfig({ DEFECTLAB_RUN_HEARTBEAT_TIMEOUT_S: '30', DEFECTLAB_RUN_HEARTBEAT_INTERVAL_S: '2', DEFECTLAB_RUN_REAPER_INTERVAL_S: '0.5' })).toEqual({
      heartbeatTimeoutSeconds: 30,
      heartbeatIntervalSeconds: 2,
      reaperIntervalSeconds: 0.5,
    });
  });

  it('rejects a value that is not a positive number, naming the variable', () => {
    expect(() => loadQueueConfig({ DEFECTLAB_RUN_HEARTBEAT_TIMEOUT_S: 'soon' })).toThrow('DEFECTLAB_RUN_HEARTBEAT_TIMEOUT_S=soon');
    expect(() => loadQueueConfig({ DEFECTLAB_RUN_REAPER_INTERVAL_S: '0' })).toThrow('DEFECTLAB_RUN_REAPER_INTERVAL_S');
  });
});
